#!/usr/bin/env python3
"""Puts the Motif JMH results and the PyTorch peers of one run side by side.

usage: report.py JMH_JSON [TORCH_OPS_JSON] [TORCH_MATMUL_JSON] [--train TORCH_TRAIN_JSON] [--fit LMFIT_JSON]

Motif figures are the median (and min..max) of the JMH measurement iterations. Ratios are
t_peer/t_Motif, the peer's time over Motif's: above 1 Motif is faster, below 1 the peer is
(for matmul that is also Motif GFLOPS / PyTorch GFLOPS; for training, Motif images/s / PyTorch
images/s; for global fits, lmfit seconds / Motif seconds).
A missing file (or "none") is skipped; for training and fits a peer figure without a Motif
result is printed alone, so the peers can be checked before the JMH side exists.
Only the standard library is used, so any python3 can run it (torch is not needed here).
"""
import argparse
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
    pm = r["primaryMetric"]
    if r.get("mode") == "sample" and pm.get("scorePercentiles"):
        # -bm sample: every call timed; its median is what the PyTorch peers report
        return [pm["scorePercentiles"]["50.0"]]
    raw = pm.get("rawData") or [[pm["score"]]]
    return [v for fork in raw for v in fork]


SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "\u00b5s": 1e-6, "ns": 1e-9, "min": 60.0}


def seconds_per_op(value, unit):
    """A JMH score in seconds per operation, whatever its mode's unit ("ms/op", "ops/s", ...)."""
    num, _, den = unit.partition("/")
    if den == "op":
        return value * SECONDS[num]
    if num == "ops":
        return SECONDS[den] / value
    raise ValueError(f"JMH score unit {unit!r}: expected a time per op or ops per time")


def param(p, name):
    """A JMH parameter by name, any case (the JMH side may call it K or k)."""
    for key, v in p.items():
        if key.lower() == name.lower():
            return v
    return None


def main(argv):
    ap = argparse.ArgumentParser(usage=__doc__.split("\n\n")[1].removeprefix("usage: "))
    ap.add_argument("jmh")
    ap.add_argument("ops", nargs="?")
    ap.add_argument("mm", nargs="?")
    ap.add_argument("--train")
    ap.add_argument("--fit")
    a = ap.parse_args(argv[1:])
    jmh = load(a.jmh) or []
    ops = load(a.ops)
    mm = load(a.mm)
    tr = load(a.train)
    fit = load(a.fit)

    torch_ops = {(r["variant"], r["chain"]): r for r in ops["results"]} if ops else {}
    torch_mm = {(r["n"], r["dtype"]): r for r in mm["results"]} if mm else {}

    op_rows, mm_rows = [], []
    train_motif, fit_motif = {}, {}
    conv_rows = []
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
        elif cls == "TrainBench":
            # ms per training step of one batch (64 images); other units are converted
            unit = r["primaryMetric"].get("scoreUnit", "ms/op")
            ms = [seconds_per_op(v, unit) * 1e3 for v in its]
            train_motif[(str(param(p, "arch")).lower(), str(param(p, "dtype")).upper())] = ms
        elif cls == "ConvBench":
            unit = r["primaryMetric"].get("scoreUnit", "ms/op")
            conv_rows.append((str(param(p, "dtype")).upper(), [seconds_per_op(v, unit) * 1e3 for v in its]))
        elif cls == "GlobalFitBench":
            unit = r["primaryMetric"].get("scoreUnit", "s/op")
            fit_motif[int(param(p, "K"))] = [seconds_per_op(v, unit) for v in its]

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
    if conv_rows:
        # Conv2d 16->32, 3x3, pad 1 on 64x16x28x28: forward, input gradient and weight gradient, 2·N·O·H·W·C·9 each
        flops = 3 * 2.0 * 64 * 32 * 28 * 28 * 16 * 9
        print("\nConvBench: Conv2d 16→32 3×3 pad 1 on 64×16×28×28, forward + backward "
              f"({flops / 1e9:.3f} GFLOP per op; GFLOPS = that / median time)")
        print(f"{'dtype':5s} {'Motif ms':>9s} {'range ms':>15s} {'GFLOPS':>8s}")
        for dt, its in sorted(conv_rows):
            med = statistics.median(its)
            print(f"{dt:5s} {med:9.2f} {f'{min(its):.2f}..{max(its):.2f}':>15s} {flops / (med * 1e6):8.2f}")
    if train_motif or tr:
        report_train(train_motif, tr)
    if fit_motif or fit:
        report_fit(fit_motif, fit)
    if not ops and not mm and not tr and not fit:
        print("\n(no PyTorch or lmfit results in this run: ratios left out)")


def report_train(motif, tr):
    peer = {(r["arch"], r["dtype"]): r for r in tr["results"] if r.get("bench") == "train"} if tr else {}
    if not motif and not peer:
        return
    batch = next((r["batch"] for r in peer.values()), 64)
    order = {"conv": 0, "local": 1, "dense": 2}
    print(f"\nTraining step, batch {batch} (forward + backward + SGD step; images/s = {batch} / median step time)")
    print(f"{'arch':6s} {'dtype':5s} {'Motif ms':>9s} {'Motif img/s':>12s} {'range img/s':>15s} "
          f"{'torch ms':>9s} {'torch img/s':>12s} {'Motif/torch':>12s}")
    for key in sorted(set(motif) | set(peer), key=lambda k: (order.get(k[0], 9), k[0], k[1])):
        ms = motif.get(key)
        t = peer.get(key)
        if ms:
            med = statistics.median(ms)
            mi = batch / (med / 1e3)
            m = f"{med:9.2f} {mi:12.0f} {f'{batch / (max(ms) / 1e3):.0f}..{batch / (min(ms) / 1e3):.0f}':>15s}"
        else:
            m = f"{'-':>9s} {'-':>12s} {'-':>15s}"
        ts = f"{t['ms_per_step_median']:9.2f} {t['images_per_s_median']:12.0f}" if t else f"{'-':>9s} {'-':>12s}"
        ratio = f"{mi / t['images_per_s_median']:12.2f}" if (ms and t) else f"{'-':>12s}"
        print(f"{key[0]:6s} {key[1]:5s} {m} {ts} {ratio}")


def report_fit(motif, fit):
    peer = {r["K"]: r for r in fit["results"]} if fit else {}
    print("\nGlobal fit, K decay curves of 200 points, tau and B shared (seconds per full fit)")
    print(f"{'K':>5s} {'Motif s':>9s} {'Motif range':>17s} {'lmfit s':>9s} {'nfev':>6s} {'tau ± se':>18s} "
          f"{'t_lmfit/t_Motif':>16s}")
    for k in sorted(set(motif) | set(peer)):
        s = motif.get(k)
        t = peer.get(k)
        med = statistics.median(s) if s else None
        m = f"{med:9.4f} {f'{min(s):.4f}..{max(s):.4f}':>17s}" if s else f"{'-':>9s} {'-':>17s}"
        if t:
            se = t["tau_stderr"]
            tau = f"{t['tau']:.4f} ± {se:.1g}" if se is not None else f"{t['tau']:.4f}"
            ts = f"{t['seconds']:9.3f} {t['nfev']:6d} {tau:>18s}"
        else:
            ts = f"{'-':>9s} {'-':>6s} {'-':>18s}"
        ratio = f"{t['seconds'] / med:16.1f}" if (s and t) else f"{'-':>16s}"
        print(f"{k:5d} {m} {ts} {ratio}")


if __name__ == "__main__":
    main(sys.argv)
