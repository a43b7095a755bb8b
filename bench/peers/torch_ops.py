#!/usr/bin/env python3
"""PyTorch side of OpOverheadBench: a chain of 100 elementwise ops on a 4-element float64 tensor.

Variants, named as in the JMH benchmark:
  forwardNoGrad    under torch.no_grad()
  forwardRecord    x.requires_grad, graph recorded, no backward
  forwardGrad      torch.autograd.grad(y, x, grad_outputs=ones)   (Autodiff.grad with a ones seed)
  forwardBackward  y.sum().backward()                             (Tensor.backward(); 101 ops, counted as 100)
Chains: ADD (y = y.add(c)) and ADD_MUL (add and mul alternate).

Each sample times one whole chain with time.perf_counter; the figure is the median over the
samples, divided by 100. Prints one line per case; --json writes them for report.py.
"""
import argparse
import json
import statistics
import sys
import time

import torch

OPS = 100


def chain_fn(kind, c):
    if kind == "ADD":
        def run(x):
            y = x
            for _ in range(OPS):
                y = y.add(c)
            return y
    else:
        def run(x):
            y = x
            for i in range(OPS):
                y = y.mul(c) if i & 1 else y.add(c)
            return y
    return run


def variant_fn(variant, run, x0, seed):
    if variant == "forwardNoGrad":
        def f():
            x = x0.clone().requires_grad_(True)
            with torch.no_grad():
                return run(x)
    elif variant == "forwardRecord":
        def f():
            return run(x0.clone().requires_grad_(True))
    elif variant == "forwardGrad":
        def f():
            x = x0.clone().requires_grad_(True)
            return torch.autograd.grad(run(x), x, grad_outputs=seed)[0]
    elif variant == "forwardBackward":
        def f():
            x = x0.clone().requires_grad_(True)
            run(x).sum().backward()
            return x.grad
    else:
        raise ValueError(variant)
    return f


def measure(f, seconds, min_reps):
    for _ in range(50):  # warm-up: allocator caches, dispatcher
        f()
    samples = []
    end = time.perf_counter() + seconds
    while len(samples) < min_reps or time.perf_counter() < end:
        t0 = time.perf_counter()
        f()
        samples.append(time.perf_counter() - t0)
    return samples


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--seconds", type=float, default=2.0, help="measuring time per case (default 2)")
    p.add_argument("--min-reps", type=int, default=200)
    p.add_argument("--json", help="write the results to this file")
    a = p.parse_args()

    x0 = torch.tensor([0.5, -1.0, 2.0, 0.25], dtype=torch.float64)
    c = torch.tensor([1.001, 0.999, 1.0005, 0.9995], dtype=torch.float64)
    seed = torch.ones(4, dtype=torch.float64)
    print(f"# torch {torch.__version__}, intra-op threads {torch.get_num_threads()}, {OPS} ops per chain", file=sys.stderr)
    results = []
    for kind in ("ADD", "ADD_MUL"):
        run = chain_fn(kind, c)
        for variant in ("forwardNoGrad", "forwardRecord", "forwardGrad", "forwardBackward"):
            s = measure(variant_fn(variant, run, x0, seed), a.seconds, a.min_reps)
            per_op = [t * 1e9 / OPS for t in s]
            q = statistics.quantiles(per_op, n=4)
            r = {"tool": "torch", "bench": "ops", "variant": variant, "chain": kind,
                 "ns_per_op": statistics.median(per_op), "p25": q[0], "p75": q[2], "samples": len(per_op)}
            results.append(r)
            print(f"torch ops {variant:16s} {kind:8s} median {r['ns_per_op']:9.1f} ns/op "
                  f"(p25 {r['p25']:.1f}, p75 {r['p75']:.1f}, {len(per_op)} chains)", flush=True)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}, fh, indent=1)


if __name__ == "__main__":
    main()
