#!/usr/bin/env python3
"""PyTorch side of MatmulBench: torch.matmul of two n×n matrices, n = 256, 512, 1024, float32 and
float64, with torch.set_num_threads(2) (the machine's two cores, as OpenBLAS uses for Motif).

Each sample times one product (output allocated, as NDArray.matmul does) with
time.perf_counter; GFLOPS = 2n³ / median time. --json writes the results for report.py.
"""
import argparse
import json
import statistics
import sys
import time

import torch


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--seconds", type=float, default=2.0, help="measuring time per case (default 2)")
    p.add_argument("--min-reps", type=int, default=5)
    p.add_argument("--sizes", default="256,512,1024")
    p.add_argument("--json", help="write the results to this file")
    a = p.parse_args()

    torch.set_num_threads(a.threads)
    g = torch.Generator().manual_seed(42)
    print(f"# torch {torch.__version__}, intra-op threads {torch.get_num_threads()}", file=sys.stderr)
    results = []
    for n in (int(s) for s in a.sizes.split(",")):
        for name, dt in (("F32", torch.float32), ("F64", torch.float64)):
            x = torch.rand(n, n, generator=g, dtype=dt) * 2 - 1
            y = torch.rand(n, n, generator=g, dtype=dt) * 2 - 1
            for _ in range(3):
                torch.matmul(x, y)
            samples = []
            end = time.perf_counter() + a.seconds
            while len(samples) < a.min_reps or time.perf_counter() < end:
                t0 = time.perf_counter()
                torch.matmul(x, y)
                samples.append(time.perf_counter() - t0)
            t = statistics.median(samples)
            gf = [2 * n ** 3 / s / 1e9 for s in samples]
            r = {"tool": "torch", "bench": "matmul", "n": n, "dtype": name, "ms": t * 1e3,
                 "gflops": 2 * n ** 3 / t / 1e9, "gflops_min": min(gf), "gflops_max": max(gf), "samples": len(samples)}
            results.append(r)
            print(f"torch matmul n={n:5d} {name} median {r['ms']:9.3f} ms  {r['gflops']:7.1f} GFLOPS "
                  f"(range {r['gflops_min']:.1f}..{r['gflops_max']:.1f}, {len(samples)} runs)", flush=True)
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}, fh, indent=1)


if __name__ == "__main__":
    main()
