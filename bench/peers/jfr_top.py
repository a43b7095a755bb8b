#!/usr/bin/env python3
"""Aggregates the stack samples of a JFR recording (jdk.ExecutionSample: threads running Java
code; jdk.NativeMethodSample: threads inside a native method, e.g. OpenBLAS through JNI).

  jfr_top.py REC.jfr [--top 25] [--depth 1] [--blas-only]

Prints the share of samples by top frame (self time), by frame anywhere on the stack (total time),
and the share "in BLAS": samples whose stack holds a frame of dev.ludovic.netlib (the JNI BLAS
and its pure-Java fallback). Only samples with a dev.motif frame count (JMH/JFR threads are left out).
"""
import argparse
import collections
import json
import subprocess
import sys


def samples(path):
    out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample,jdk.NativeMethodSample", path],
                         check=True, capture_output=True, text=True).stdout
    for ev in json.loads(out)["recording"]["events"]:
        st = ev["values"].get("stackTrace")
        if not st:
            continue
        frames = [f"{f['method']['type']['name'].replace('/', '.')}.{f['method']['name']}" for f in st["frames"]]
        yield ev["type"], frames


def main():
    p = argparse.ArgumentParser()
    p.add_argument("jfr")
    p.add_argument("--top", type=int, default=25)
    a = p.parse_args()
    self_c, total_c = collections.Counter(), collections.Counter()
    n = blas = native = 0
    for kind, frames in samples(a.jfr):
        if not any(f.startswith("dev.motif") for f in frames):
            continue
        n += 1
        if kind == "jdk.NativeMethodSample":
            native += 1
        if any(f.startswith("dev.ludovic.netlib") for f in frames):
            blas += 1
        self_c[frames[0]] += 1
        # the first dev.motif frame: which of our methods the time is spent under
        for f in frames:
            if f.startswith("dev.motif"):
                total_c["first motif frame: " + f] += 1
                break
        for f in set(frames):
            total_c[f] += 1
    if n == 0:
        sys.exit("no samples with a dev.motif frame")
    print(f"{n} samples ({native} native); in BLAS (dev.ludovic.netlib on the stack): {blas} = {100 * blas / n:.1f} %, outside: {100 * (n - blas) / n:.1f} %")
    print(f"\n-- top frames (self)")
    for f, c in self_c.most_common(a.top):
        print(f"{100 * c / n:6.1f} %  {f}")
    print(f"\n-- first dev.motif frame from the top")
    for f, c in [(f, c) for f, c in total_c.most_common() if f.startswith("first")][:a.top]:
        print(f"{100 * c / n:6.1f} %  {f[len('first motif frame: '):]}")
    print(f"\n-- on the stack (total)")
    for f, c in [(f, c) for f, c in total_c.most_common() if not f.startswith("first")][:a.top]:
        print(f"{100 * c / n:6.1f} %  {f}")


if __name__ == "__main__":
    main()
