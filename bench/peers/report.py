#!/usr/bin/env python3
"""Puts the Motif JMH results and the PyTorch peers of one run side by side.

usage: report.py JMH_JSON [TORCH_OPS_JSON] [TORCH_MATMUL_JSON]

Motif figures are the median (and min..max) of the JMH measurement iterations. Ratios are
t_torch/t_Motif, PyTorch time over Motif time: above 1 Motif is faster, below 1 PyTorch is
(for matmul that is also Motif GFLOPS / PyTorch GFLOPS).
Only the standard library is used, so any python3 can run it (torch is not needed here).
"""
import json
import os
import statistics
import sys


def load(path):
    if not path or not os.path.exists(path):
        return None
    with open(path) as fh:
        return json.load(fh)


def iterations(r):
    raw = r["primaryMetric"].get("rawData") or [[r["primaryMetric"]["score"]]]
    return [v for fork in raw for v in fork]


def main(argv):
    if len(argv) < 2:
        sys.exit(__doc__)
    jmh = load(argv[1]) or []
    ops = load(argv[2] if len(argv) > 2 else None)
    mm = load(argv[3] if len(argv) > 3 else None)

    torch_ops = {(r["variant"], r["chain"]): r for r in ops["results"]} if ops else {}
    torch_mm = {(r["n"], r["dtype"]): r for r in mm["results"]} if mm else {}

    op_rows, mm_rows = [], []
    for r in jmh:
        name = r["benchmark"].rsplit(".", 2)
        cls, method = name[-2], name[-1]
        p = r.get("params", {})
        its = iterations(r)
        if cls == "OpOverheadBench":
            med = statistics.median(its)
            t = torch_ops.get((method, p["chain"]))
            op_rows.append((method, p["chain"], med, min(its), max(its), t))
        elif cls == "MatmulBench":
            n = int(p["n"])
            flops = 2.0 * n ** 3
            gf = [flops / (ms * 1e6) for ms in its]  # score is ms/op
            med_ms = statistics.median(its)
            t = torch_mm.get((n, p["dtype"]))
            mm_rows.append((n, p["dtype"], p["blas"], med_ms, flops / (med_ms * 1e6), min(gf), max(gf), t))

    if op_rows:
        print("\nPer-op overhead (4-element F64 tensors, chain of 100 ops; ns per op, median of iterations)")
        print(f"{'variant':16s} {'chain':8s} {'Motif ns/op':>12s} {'Motif range':>17s} {'torch ns/op':>12s} {'t_torch/t_Motif':>16s}")
        for method, chain, med, lo, hi, t in sorted(op_rows, key=lambda x: (x[1], x[0])):
            ts = f"{t['ns_per_op']:12.0f}" if t else f"{'-':>12s}"
            ratio = f"{t['ns_per_op'] / med:16.2f}" if t else f"{'-':>16s}"
            print(f"{method:16s} {chain:8s} {med:12.0f} {f'{lo:.0f}..{hi:.0f}':>17s} {ts} {ratio}")
    if mm_rows:
        print("\nMatmul n×n (GFLOPS = 2n³/median time; range over iterations)")
        print(f"{'n':>5s} {'dtype':5s} {'blas':6s} {'Motif ms':>10s} {'Motif GFLOPS':>13s} {'range':>13s} {'torch GFLOPS':>13s} {'t_torch/t_Motif':>16s}")
        for n, dt, blas, ms, g, lo, hi, t in sorted(mm_rows, key=lambda x: (x[0], x[1], x[2])):
            tg = f"{t['gflops']:13.1f}" if t else f"{'-':>13s}"
            ratio = f"{t['ms'] / ms:16.2f}" if t else f"{'-':>16s}"
            print(f"{n:5d} {dt:5s} {blas:6s} {ms:10.2f} {g:13.1f} {f'{lo:.1f}..{hi:.1f}':>13s} {tg} {ratio}")
    if not ops and not mm:
        print("\n(no PyTorch results in this run: ratios left out)")


if __name__ == "__main__":
    main(sys.argv)
