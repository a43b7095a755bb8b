#!/usr/bin/env bash
# Runs the Motif JMH benchmarks and their PyTorch / lmfit peers in one go, on the same machine, and
# prints the figures side by side with ratios (peer time / Motif time).
#
#   bench/peers/run.sh                      # MatmulBench and OpOverheadBench, default iteration counts
#   JMH_OPTS="-wi 2 -i 3" bench/peers/run.sh OpOverheadBench   # a subset, quicker
#   bench/peers/run.sh TrainBench           # training steps against torch_train.py --bench
#   bench/peers/run.sh GlobalFitBench       # global fits against lmfit_global.py
#   SKIP_JMH=1 bench/peers/run.sh TrainBench  # the peers alone (report prints their figures)
#
# The argument is a JMH regex; a peer runs when its benchmark's name appears in it.
# Environment: JMH_OPTS (default "-wi 3 -w 1s -i 5 -r 1s -f 1"), PEER_SECONDS (per PyTorch case,
# default 2), FIT_K (default 10,100,300) and FIT_REPEATS (lmfit fits per K, default 3), PYTHON (an
# interpreter with torch and lmfit; otherwise python3 and /usr/bin/python3 are tried), SKIP_JMH=1.
# Results go to bench/target/peers-<time>/. Without torch or lmfit the Motif part still runs.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
jar=bench/target/benchmarks.jar
peers=bench/peers
filter="${1:-MatmulBench|OpOverheadBench}"
jmh_opts="${JMH_OPTS:--wi 3 -w 1s -i 5 -r 1s -f 1}"
peer_seconds="${PEER_SECONDS:-2}"
fit_k="${FIT_K:-10,100,300}"
fit_repeats="${FIT_REPEATS:-3}"
skip_jmh="${SKIP_JMH:-0}"
out="bench/target/peers-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out"

# Motif parallelises the training step itself (convolutions split the batch over the common
# ForkJoin pool, pooling splits the planes) and calls BLAS from each worker; OpenBLAS's own
# threads on top of that oversubscribe the cores, and its idle threads spin. One BLAS thread per
# caller gave 15-35 % less CPU per conv training step here at the same or better wall time, and
# the same dense-net time. So the Motif JVM gets OPENBLAS_NUM_THREADS=1 (MOTIF_BLAS_THREADS
# overrides; the peers keep their own settings), except for MatmulBench, which measures one
# product on all cores through OpenBLAS's threads.
if [[ -n "${MOTIF_BLAS_THREADS:-}" ]]; then motif_blas_threads="$MOTIF_BLAS_THREADS"
elif [[ "$filter" == *Matmul* ]]; then motif_blas_threads="${OPENBLAS_NUM_THREADS:-}"
else motif_blas_threads=1; fi

if [[ "$skip_jmh" != 1 && ! -f "$jar" ]]; then
  echo "== $jar missing: building it (mvn -B -q -DskipTests package)"
  mvn -B -q -DskipTests package
fi

# Any python3 runs report.py; the peers need one that imports torch (Debian's python3-torch
# lives in /usr/bin/python3, which a pyenv shim may hide).
torch_py=""
for p in ${PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import torch' >/dev/null 2>&1; then torch_py="$p"; break; fi
done
lmfit_py=""
for p in ${PYTHON:-} python3 /usr/bin/python3; do
  if command -v "$p" >/dev/null 2>&1 && "$p" -c 'import lmfit' >/dev/null 2>&1; then lmfit_py="$p"; break; fi
done
report_py="$torch_py"
if [[ -z "$report_py" ]]; then
  for p in python3 /usr/bin/python3; do command -v "$p" >/dev/null 2>&1 && { report_py="$p"; break; }; done
fi

echo "== Motif JVM: OPENBLAS_NUM_THREADS=${motif_blas_threads:-unset (one per core)}"
echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), load $(cut -d' ' -f1-3 /proc/loadavg)"
if [[ "$skip_jmh" == 1 ]]; then
  echo "== SKIP_JMH=1: Motif benchmarks not run, peers only"
else
  java -version 2>&1 | head -1
  OPENBLAS_NUM_THREADS="$motif_blas_threads" java -cp "$jar" dev.motif.bench.BlasInfo 2>/dev/null | tee "$out/blas.txt"
  blas_param=()
  if ! grep -q 'nativeAvailable=true' "$out/blas.txt"; then
    echo "== native BLAS not available: MatmulBench runs with blas=JAVA only"
    blas_param=(-p blas=JAVA)
  fi

  # GlobalFitBench runs the same K as the lmfit peer (its own default list goes up to 100,000)
  if [[ "$filter" == *GlobalFitBench* ]]; then blas_param+=(-p "K=$fit_k"); fi

  echo "== JMH: $filter $jmh_opts ${blas_param[*]:-}"
  # shellcheck disable=SC2086
  OPENBLAS_NUM_THREADS="$motif_blas_threads" java -jar "$jar" "$filter" $jmh_opts "${blas_param[@]}" -rf json -rff "$out/jmh.json" 2>&1 | tee "$out/jmh.log" | grep -E '^(Benchmark|MatmulBench|OpOverheadBench|TrainBench|ConvBench|GlobalFitBench)' || true
fi

ops_json="" mm_json="" train_json="" fit_json=""
if [[ -n "$torch_py" ]]; then
  echo "== PyTorch peers ($torch_py)"
  if [[ "$filter" == *OpOverhead* ]]; then
    "$torch_py" "$peers/torch_ops.py" --seconds "$peer_seconds" --json "$out/torch_ops.json" && ops_json="$out/torch_ops.json"
  fi
  if [[ "$filter" == *Matmul* ]]; then
    "$torch_py" "$peers/torch_matmul.py" --seconds "$peer_seconds" --json "$out/torch_matmul.json" && mm_json="$out/torch_matmul.json"
  fi
  if [[ "$filter" == *TrainBench* ]]; then
    "$torch_py" "$peers/torch_train.py" --bench --seconds "$peer_seconds" --json "$out/torch_train.json" && train_json="$out/torch_train.json"
  fi
else
  echo "== PyTorch not found (no python3 here imports torch; on Debian: apt-get install python3-torch): peers skipped, no ratios"
fi
if [[ "$filter" == *GlobalFitBench* ]]; then
  if [[ -n "$lmfit_py" ]]; then
    echo "== lmfit peer ($lmfit_py)"
    "$lmfit_py" "$peers/lmfit_global.py" --k "$fit_k" --repeats "$fit_repeats" --json "$out/lmfit_global.json" && fit_json="$out/lmfit_global.json"
  else
    echo "== lmfit not found (on Debian: apt-get install python3-lmfit): GlobalFitBench peer skipped"
  fi
fi

if [[ -n "$report_py" ]]; then
  "$report_py" "$peers/report.py" "$out/jmh.json" "${ops_json:-none}" "${mm_json:-none}" \
    --train "${train_json:-none}" --fit "${fit_json:-none}" | tee "$out/report.txt"
else
  echo "== no python3 for the report; JMH results are in $out/jmh.json"
fi
echo "== results in $out"
