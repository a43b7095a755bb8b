#!/usr/bin/env bash
# Interleaved JMH runs of the engine benchmarks: per round, each jar in turn, raw JSON per run, the
# load average logged at each start. Usage: ROUNDS=3 OUT=dir run.sh benchmarks-before.jar benchmarks-after.jar
set -u
rounds=${ROUNDS:-3}
out=${OUT:-runs}
opts="-wi 3 -w 1s -i 5 -r 1s -f 1"
mkdir -p "$out"
for r in $(seq 1 "$rounds"); do
  for jar in "$@"; do
    tag="r$r-$(basename "$jar" .jar | sed 's/^benchmarks-//')"
    echo "== $tag start $(date +%H:%M:%S) load $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$out/log.txt"
    # one OpenBLAS thread for the batch-parallel work, as bench/peers/run.sh; matmul on all cores
    OPENBLAS_NUM_THREADS=1 java -jar "$jar" 'OpOverheadBench|ConvBench|TrainBench' $opts -rf json -rff "$out/$tag-engine.json" > "$out/$tag-engine.txt" 2>&1
    java -jar "$jar" 'MatmulBench' -p n=256,512 -p blas=NATIVE $opts -rf json -rff "$out/$tag-matmul.json" > "$out/$tag-matmul.txt" 2>&1
  done
done
