#!/usr/bin/env bash
# StepLoop medians (wall ms/step and process CPU ms/step) for several jars and BLAS thread settings, interleaved per case.
secs=${SECS:-7}
for a in "conv F32" "conv F64" "local F32" "local F64" "dense F32" "dense F64"; do
  for spec in "$@"; do
    IFS=: read name jar obt <<< "$spec"
    printf "%-10s OBT=%-5s " "$name" "${obt:-unset}"
    OPENBLAS_NUM_THREADS=$obt java -cp "$jar" dev.motif.bench.StepLoop train $a $secs 2>/dev/null
  done
done
uptime
