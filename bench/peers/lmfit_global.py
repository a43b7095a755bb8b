#!/usr/bin/env python3
"""lmfit side of GlobalFitBench: a global fit of K decay curves with a shared lifetime.

Model: y_k(t) = A_k·exp(−t/τ) + B, k = 0..K−1; τ and B shared by all datasets, A_k local.

Data (numpy's default generator, PCG64, seeded with --seed, default 1; drawn in this order):
  t    = numpy.linspace(0, 5, 200)                 200 points, both ends included (step 5/199)
  A    = rng.uniform(1, 3, size=K)                 A_0..A_{K−1}
  eps  = rng.normal(0, 0.02, size=(K, 200))        Gaussian noise, σ = 0.02, row k for dataset k
  y[k] = A[k]·exp(−t/1.3) + 0.2 + eps[k]           true τ = 1.3, B = 0.2
The Java side need not reproduce these numbers, only draw from the same distributions.

Fit, written as lmfit's documentation shows for global fits (example_fit_multi_datasets.py): one
Parameters object with tau, B, A_0..A_{K−1} (start values tau = 1, B = 0, A_k = 1; no bounds, since
lmfit turns bounds into a change of variables that changes the iteration path); an objective that
loops over the datasets, puts data_k − model_k in row k and returns the flattened K·200 residuals;
lmfit.minimize(objective, params, method='leastsq') with lmfit's defaults (MINPACK lmdif,
xtol = ftol = 1e-7, forward-difference Jacobian, no analytic derivative). --residual vector
evaluates all rows in one numpy expression instead of the loop, to show how much of the time
is the Python loop.

Why lmfit's cost grows like K³: leastsq treats the problem as dense. Its Jacobian is (200·K)×(K+2)
although each row depends on only 3 parameters; each forward-difference Jacobian costs K+2
evaluations of all 200·K residuals (K² work), and each Levenberg-Marquardt iteration QR-factors it,
about 2·(200K)·(K+2)² flops (K³). A block-sparse solver (one small block per dataset plus the
shared columns) is linear in K. The timings below are measured, not derived from this.

Timing: time.perf_counter around minimize() alone (data and Parameters are built before); median
of --repeats fits from the same start on the same data. nfev is lmfit's count of objective
calls, finite-difference ones included. Output: one line per K; --json writes the results.
"""
import argparse
import json
import statistics
import sys
import time

import numpy as np
import lmfit

TAU, B_TRUE, SIGMA, POINTS, T_MAX = 1.3, 0.2, 0.02, 200, 5.0


def make_data(k, seed):
    rng = np.random.default_rng(seed)
    t = np.linspace(0.0, T_MAX, POINTS)
    amp = rng.uniform(1.0, 3.0, size=k)
    noise = rng.normal(0.0, SIGMA, size=(k, POINTS))
    y = amp[:, None] * np.exp(-t / TAU)[None, :] + B_TRUE + noise
    return t, amp, y


def make_params(k):
    params = lmfit.Parameters()
    params.add("tau", value=1.0)
    params.add("B", value=0.0)
    for i in range(k):
        params.add(f"A_{i}", value=1.0)
    return params


def decay_dataset(params, i, t):
    return params[f"A_{i}"] * np.exp(-t / params["tau"]) + params["B"]


def objective_loop(params, t, data):
    resid = np.empty_like(data)
    for i in range(data.shape[0]):
        resid[i, :] = data[i, :] - decay_dataset(params, i, t)
    return resid.flatten()


def objective_vector(params, t, data):
    v = params.valuesdict()
    amp = np.array([v[f"A_{i}"] for i in range(data.shape[0])])
    return (data - (amp[:, None] * np.exp(-t / v["tau"])[None, :] + v["B"])).ravel()


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--k", default="10,100,300", help="numbers of datasets, comma-separated (default 10,100,300)")
    p.add_argument("--repeats", type=int, default=3, help="fits per K; the median time is reported (default 3)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--residual", choices=("loop", "vector"), default="loop",
                   help="loop: per-dataset loop as in lmfit's example (default); vector: one numpy expression")
    p.add_argument("--json", help="write the results to this file")
    a = p.parse_args()
    objective = objective_loop if a.residual == "loop" else objective_vector

    print(f"# lmfit {lmfit.__version__}, numpy {np.__version__}, residual {a.residual}", file=sys.stderr)
    results = []
    for k in (int(s) for s in a.k.split(",")):
        t, amp, y = make_data(k, a.seed)
        times, out = [], None
        for _ in range(a.repeats):
            params = make_params(k)
            t0 = time.perf_counter()
            out = lmfit.minimize(objective, params, args=(t, y), method="leastsq")
            times.append(time.perf_counter() - t0)
        pv = out.params
        amp_err = max(abs(pv[f"A_{i}"].value - amp[i]) for i in range(k))
        r = {"tool": "lmfit", "bench": "globalfit", "K": k, "points": POINTS, "residual": a.residual,
             "seconds": statistics.median(times), "seconds_all": times, "repeats": a.repeats,
             "nfev": out.nfev, "success": bool(out.success), "message": out.message,
             "tau": pv["tau"].value, "tau_stderr": pv["tau"].stderr, "B": pv["B"].value, "B_stderr": pv["B"].stderr,
             "chisqr": out.chisqr, "redchi": out.redchi, "max_abs_A_error": amp_err, "seed": a.seed}
        results.append(r)
        se = lambda v: f"{v:.2g}" if v is not None else "n/a"  # noqa: E731
        print(f"lmfit globalfit K={k:4d}: median {r['seconds']:9.3f} s over {a.repeats} fits, nfev {out.nfev}, "
              f"tau {r['tau']:.5f} ± {se(r['tau_stderr'])}, B {r['B']:.5f} ± {se(r['B_stderr'])}, "
              f"redchi {out.redchi:.3g}, max |ΔA| {amp_err:.3g}", flush=True)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"lmfit": lmfit.__version__, "numpy": np.__version__, "results": results}, fh, indent=1)


if __name__ == "__main__":
    main()
