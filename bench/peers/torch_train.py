#!/usr/bin/env python3
"""PyTorch side of TrainBench and of `motif train`: the seed CNN, its locally connected twin and a
dense net, trained with SGD on Fashion-MNIST.

Architectures (input 1×28×28; every layer has a bias; the Java side must build the same):
  conv   Conv(1→16, 3×3, pad 1) ReLU MaxPool2 Conv(16→32, 3×3, pad 1) ReLU MaxPool2 Flatten
         Linear(1568→10)                                                     20,490 parameters
  local  the same geometry with one kernel per output position (LocallyConnected2d, what
         Motif's Conv2d.untie() gives): layer 1 weight [784, 16, 9] + bias [16, 28, 28], layer 2
         weight [196, 32, 144] + bias [32, 14, 14]; then MaxPool2 and Linear(1568→10) as conv.
         Forward: unfold (im2col, pad 1) to [N, C·9, H·W], then one batched matmul over
         the H·W positions: [H·W, N, C·9] × [H·W, C·9, C_out] → [H·W, N, C_out]. 1,050,570 parameters
  dense  Flatten Linear(784→256) ReLU Linear(256→128) ReLU Linear(128→10)   235,146 parameters
         (DENSE_HIDDEN below: three weight layers, like the CNN's three; the Java side copies it.)
Initialisation: PyTorch's default, weight and bias uniform in ±1/√fan_in (fan_in = C_in·3·3 for
conv and local, the input width for Linear); each local position is drawn independently.
Recipe: batch 64, cross-entropy (mean over the batch), SGD lr 0.05 momentum 0.9 (no weight decay,
no dampening, no Nesterov), pixels /255 then standardised with the mean and (population) std of
the training images used; shuffling by torch.randperm with a generator seeded with --seed; the last
batch of an epoch is smaller when the training size is not a multiple of 64 (no drop).

Modes:
  --bench   images/s of training steps (zero_grad, forward, loss, backward, step) on batches of
            64 real training images (cycling through the first 1024); each step timed with
            time.perf_counter after a warm-up; images_per_s_median = 64 / median step time.
            Every --arch × --dtype combination is run (default: all three × F32,F64).
  --train-size N --epochs E --seed S
            a real training run on the first N training images, evaluated on the 10,000 test
            images after every epoch: test accuracy and loss, the epoch's mean training loss,
            training time (evaluation excluded) and images/s = N·E / training time.
--json writes the results (a list under "results") for report.py.
"""
import argparse
import gzip
import json
import math
import os
import statistics
import sys
import time

import numpy as np

# Unless told otherwise, libgomp's idle threads spin a while before they sleep, and so do OpenBLAS's.
# On this shared 2-core machine, with other jobs on the cores, the spinning pools starved each other:
# training steps of the dense net took 50-100 ms instead of 2 ms, of the CNN up to 500 ms. Passive waiting (threads sleep)
# gives steady figures; it must be set before libgomp loads, hence here. An explicit setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import torch  # noqa: E402  (after the environment is set)
import torch.nn as nn  # noqa: E402
import torch.nn.functional as F  # noqa: E402

# The dense architecture, input 784 → these hidden widths (ReLU after each) → 10.
DENSE_HIDDEN = (256, 128)
BATCH = 64
LR = 0.05
MOMENTUM = 0.9
DTYPES = {"F32": torch.float32, "F64": torch.float64}
DEFAULT_DATA = "/usr/share/datasets/fashion-mnist"


class LocallyConnected2d(nn.Module):
    """A 3×3 'convolution' with its own kernel (and bias) at every output position, stride 1."""

    def __init__(self, cin, cout, h, w, k=3, pad=1):
        super().__init__()
        self.cin, self.cout, self.h, self.w, self.k, self.pad = cin, cout, h, w, k, pad
        fan_in = cin * k * k
        bound = 1 / math.sqrt(fan_in)
        # weight[l, o, c·k·k]: position l = y·W + x, the same (c, ky, kx) order as unfold's rows
        self.weight = nn.Parameter(torch.empty(h * w, cout, fan_in).uniform_(-bound, bound))
        self.bias = nn.Parameter(torch.empty(cout, h, w).uniform_(-bound, bound))

    def forward(self, x):
        n = x.shape[0]
        cols = F.unfold(x, self.k, padding=self.pad)            # [N, C·k·k, H·W]
        out = torch.bmm(cols.permute(2, 0, 1), self.weight.transpose(1, 2))  # [H·W, N, C_out]
        return out.permute(1, 2, 0).reshape(n, self.cout, self.h, self.w) + self.bias

    @staticmethod
    def from_conv(conv, h, w):
        """The untied copy of a conv layer: the same kernel at every position (same function)."""
        m = LocallyConnected2d(conv.in_channels, conv.out_channels, h, w, conv.kernel_size[0], conv.padding[0])
        with torch.no_grad():
            m.weight.copy_(conv.weight.reshape(conv.out_channels, -1).unsqueeze(0).expand(h * w, -1, -1))
            m.bias.copy_(conv.bias.view(-1, 1, 1).expand(-1, h, w))
        return m.to(conv.weight.dtype)


def build(arch):
    if arch == "conv":
        return nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    if arch == "local":
        return nn.Sequential(
            LocallyConnected2d(1, 16, 28, 28), nn.ReLU(), nn.MaxPool2d(2),
            LocallyConnected2d(16, 32, 14, 14), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 10))
    if arch == "dense":
        layers, width = [nn.Flatten()], 784
        for h in DENSE_HIDDEN:
            layers += [nn.Linear(width, h), nn.ReLU()]
            width = h
        layers.append(nn.Linear(width, 10))
        return nn.Sequential(*layers)
    raise ValueError(f"unknown --arch {arch!r}: expected conv, local or dense")


def read_idx(path):
    """An IDX file (gzipped or not) as a numpy uint8 array of the shape its header gives."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fh:
        data = fh.read()
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {data[:4].hex()})")
    ndim = data[3]
    dims = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    body = np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim)
    if body.size != int(np.prod(dims)):
        raise ValueError(f"{path}: header says {dims} = {int(np.prod(dims))} bytes, file has {body.size}")
    return body.reshape(dims)


def load_split(data_dir, split):
    prefix = "train" if split == "train" else "t10k"
    def find(kind):
        for name in (f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte.gz",
                     f"{prefix}-{kind}-idx{3 if kind == 'images' else 1}-ubyte"):
            p = os.path.join(data_dir, name)
            if os.path.exists(p):
                return p
        raise FileNotFoundError(f"no {prefix} {kind} IDX file in {data_dir}")
    x, y = read_idx(find("images")), read_idx(find("labels"))
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"{data_dir} {split}: {x.shape[0]} images but {y.shape[0]} labels")
    return x, y


def standardise(x_uint8, mean, std, dtype):
    x = torch.from_numpy(x_uint8.astype(np.float64) / 255.0)
    return ((x - mean) / std).unsqueeze(1).to(dtype)  # [N, 1, 28, 28]


def n_params(model):
    return sum(p.numel() for p in model.parameters())


def step_fn(model, opt):
    def step(xb, yb):
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        return loss
    return step


def check_local():
    """The untied conv computes the same function as the conv: the unfold/bmm layout is right."""
    torch.manual_seed(0)
    conv = nn.Conv2d(3, 5, 3, padding=1).double()
    local = LocallyConnected2d.from_conv(conv, 6, 7)
    x = torch.randn(4, 3, 6, 7, dtype=torch.float64)
    err = (conv(x) - local(x)).abs().max().item()
    if err > 1e-12:
        sys.exit(f"LocallyConnected2d differs from the conv it unties: max |Δ| = {err}")
    print(f"# check: untied conv = conv (max |Δ| {err:.1e})", file=sys.stderr)


def bench(a, data):
    if data is not None:
        x, y = data[0][:1024], data[1][:1024]
        mean, std = x.astype(np.float64).mean() / 255.0, (x.astype(np.float64) / 255.0).std()
        xs, ys = x, torch.from_numpy(y.astype(np.int64))
    else:
        print("# no Fashion-MNIST files: benchmarking on random images", file=sys.stderr)
        rng = np.random.default_rng(a.seed)
        xs = rng.integers(0, 256, (1024, 28, 28), dtype=np.uint8)
        ys = torch.from_numpy(rng.integers(0, 10, 1024))
        mean, std = 0.5, 0.29
    results = []
    for arch in a.arch.split(","):
        for dname in a.dtype.split(","):
            dt = DTYPES[dname]
            torch.manual_seed(a.seed)
            model = build(arch).to(dt)
            opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
            xb_all = standardise(xs, mean, std, dt)
            batches = [(xb_all[i:i + BATCH], ys[i:i + BATCH]) for i in range(0, xb_all.shape[0], BATCH)]
            step = step_fn(model, opt)
            i = 0
            end = time.perf_counter() + a.warmup
            warm = 0
            while warm < 5 or time.perf_counter() < end:
                step(*batches[i % len(batches)])
                i += 1
                warm += 1
            samples = []
            end = time.perf_counter() + a.seconds
            while len(samples) < a.min_reps or time.perf_counter() < end:
                xb, yb = batches[i % len(batches)]
                t0 = time.perf_counter()
                step(xb, yb)
                samples.append(time.perf_counter() - t0)
                i += 1
            med = statistics.median(samples)
            q = statistics.quantiles(samples, n=4)
            r = {"tool": "torch", "bench": "train", "arch": arch, "dtype": dname, "threads": torch.get_num_threads(),
                 "batch": BATCH, "params": n_params(model), "ms_per_step_median": med * 1e3,
                 "ms_p25": q[0] * 1e3, "ms_p75": q[2] * 1e3,
                 "images_per_s_median": BATCH / med, "images_per_s_mean": BATCH * len(samples) / sum(samples),
                 "steps": len(samples), "warmup_steps": warm}
            results.append(r)
            print(f"torch train {arch:5s} {dname} batch {BATCH}: median {r['ms_per_step_median']:8.2f} ms/step "
                  f"= {r['images_per_s_median']:8.0f} images/s (p25 {r['ms_p25']:.2f}, p75 {r['ms_p75']:.2f} ms, "
                  f"{len(samples)} steps, {r['params']} params)", flush=True)
    return results


def evaluate(model, x, y):
    model.eval()
    correct, loss_sum = 0, 0.0
    with torch.no_grad():
        for i in range(0, x.shape[0], 1000):
            out = model(x[i:i + 1000])
            loss_sum += F.cross_entropy(out, y[i:i + 1000], reduction="sum").item()
            correct += (out.argmax(1) == y[i:i + 1000]).sum().item()
    model.train()
    return correct / x.shape[0], loss_sum / x.shape[0]


def train(a, data, test):
    if data is None:
        sys.exit(f"--train-size needs the Fashion-MNIST IDX files (looked in {a.data})")
    results = []
    for arch in a.arch.split(","):
        for dname in a.dtype.split(","):
            dt = DTYPES[dname]
            n = min(a.train_size, data[0].shape[0])
            x8 = data[0][:n]
            xf = x8.astype(np.float64) / 255.0
            mean, std = float(xf.mean()), float(xf.std())
            x = standardise(x8, mean, std, dt)
            y = torch.from_numpy(data[1][:n].astype(np.int64))
            xt = standardise(test[0], mean, std, dt)
            yt = torch.from_numpy(test[1].astype(np.int64))
            torch.manual_seed(a.seed)
            model = build(arch).to(dt)
            opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
            step = step_fn(model, opt)
            gen = torch.Generator().manual_seed(a.seed)
            epochs, train_time = [], 0.0
            for e in range(a.epochs):
                perm = torch.randperm(n, generator=gen)
                t0 = time.perf_counter()
                loss_sum = 0.0
                for i in range(0, n, BATCH):
                    idx = perm[i:i + BATCH]
                    loss_sum += step(x[idx], y[idx]).item() * idx.numel()
                dt_epoch = time.perf_counter() - t0
                train_time += dt_epoch
                acc, tl = evaluate(model, xt, yt)
                epochs.append({"epoch": e + 1, "train_loss": loss_sum / n, "test_accuracy": acc, "test_loss": tl,
                               "seconds": dt_epoch, "images_per_s": n / dt_epoch})
                print(f"torch train {arch} {dname} epoch {e + 1}/{a.epochs}: train loss {loss_sum / n:.4f}, "
                      f"test accuracy {acc:.4f}, test loss {tl:.4f}, {dt_epoch:.1f} s, {n / dt_epoch:.0f} images/s",
                      flush=True)
            last = epochs[-1]
            results.append({"tool": "torch", "bench": "train-run", "arch": arch, "dtype": dname,
                            "threads": torch.get_num_threads(), "batch": BATCH, "params": n_params(model),
                            "train_size": n, "epochs": a.epochs, "seed": a.seed, "lr": LR, "momentum": MOMENTUM,
                            "mean": mean, "std": std, "test_accuracy": last["test_accuracy"],
                            "test_loss": last["test_loss"], "train_loss": last["train_loss"],
                            "train_seconds": train_time, "images_per_s": n * a.epochs / train_time,
                            "per_epoch": epochs})
    return results


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--arch", default=None, help="conv, local, dense or a comma list (bench default: all; train default: conv)")
    p.add_argument("--dtype", default=None, help="F32, F64 or F32,F64 (bench default: both; train default: F32)")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--bench", action="store_true", help="measure training-step throughput")
    p.add_argument("--seconds", type=float, default=2.0, help="bench: measuring time per case (default 2)")
    p.add_argument("--warmup", type=float, default=1.0, help="bench: warm-up seconds per case (default 1)")
    p.add_argument("--min-reps", type=int, default=20, help="bench: at least this many timed steps")
    p.add_argument("--train-size", type=int, help="train: the first N training images")
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--data", default=DEFAULT_DATA, help=f"directory with the IDX files (default {DEFAULT_DATA})")
    p.add_argument("--check", action="store_true", help="first check the locally connected layer against the conv")
    p.add_argument("--json", help="write the results to this file")
    a = p.parse_args()
    if a.bench == (a.train_size is not None):
        p.error("give either --bench or --train-size N")
    a.arch = a.arch or ("conv,local,dense" if a.bench else "conv")
    a.dtype = a.dtype or ("F32,F64" if a.bench else "F32")
    for d in a.dtype.split(","):
        if d not in DTYPES:
            p.error(f"--dtype {d}: expected F32 or F64")
    for arch in a.arch.split(","):
        build(arch)  # fails early on a bad name

    torch.set_num_threads(a.threads)
    print(f"# torch {torch.__version__}, intra-op threads {torch.get_num_threads()}, "
          f"OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY')}", file=sys.stderr)
    if a.check:
        check_local()
    try:
        data = load_split(a.data, "train")
    except FileNotFoundError:
        data = None
    if a.bench:
        results = bench(a, data)
    else:
        results = train(a, data, load_split(a.data, "test"))
    if a.json:
        with open(a.json, "w") as fh:
            json.dump({"torch": torch.__version__, "threads": torch.get_num_threads(),
                       "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"), "results": results}, fh, indent=1)


if __name__ == "__main__":
    main()
