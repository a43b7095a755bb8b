#!/usr/bin/env python3
"""Checkpoints between Motif and PyTorch, both ways, on the nets of Motif's TorchFixtureTest.

Motif -> PyTorch: reads the files Motif wrote with SaveOptions.pytorchCompatible()
(motif-convnet.safetensors, motif-tied.safetensors), loads each into the same net built in torch
with load_state_dict(strict=True), and compares torch's outputs with Motif's
(motif-io.safetensors, same inputs).

PyTorch -> Motif: builds the nets in torch (seeded), trains the batch norm's statistics for three
steps, and writes their state dicts as safetensors files (torch-convnet.safetensors under
"module." from nn.DataParallel, with num_batches_tracked; torch-tied.safetensors under "model.",
with both names of each tie) and torch-io.safetensors (inputs and torch's outputs), which the
Java test loads and checks without PyTorch.

    /usr/bin/python3 bench/peers/torch_checkpoint.py [--fixtures DIR] [--check-only] [--json FILE]

The safetensors package is used when it is importable; Debian 12 does not package it, so the
script otherwise reads and writes the format itself (8-byte little-endian header length, JSON
header, data), laid out as safetensors' save_file lays it out. Exit status 1 if an output differs.
"""
import argparse
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "core", "src", "test", "resources", "dev", "motif", "io", "torch")
TOLERANCE = 2e-6  # F32, the same nets computed in another order (TorchFixtureTest.F32_TOLERANCE)

try:
    import safetensors.torch as st
except ImportError:
    st = None

DTYPES = {"F64": (torch.float64, "<f8"), "F32": (torch.float32, "<f4"), "I64": (torch.int64, "<i8")}
NAMES = {v[0]: k for k, v in DTYPES.items()}


def load_file(path):
    if st is not None:
        return st.load_file(path)
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    header.pop("__metadata__", None)
    out = {}
    base = 8 + n
    for name, e in header.items():
        dtype, np_dtype = DTYPES[e["dtype"]]
        b, end = e["data_offsets"]
        a = np.frombuffer(data[base + b:base + end], dtype=np_dtype).reshape(e["shape"])
        out[name] = torch.from_numpy(a.copy())
    return out


def save_file(tensors, path, metadata=None):
    # Shared storage (tied weights) is written once per name, as state_dict lists it.
    tensors = {k: v.detach().clone().contiguous() for k, v in tensors.items()}
    if st is not None:
        st.save_file(tensors, path, metadata=metadata)
        return
    order = sorted(tensors, key=lambda k: (-tensors[k].element_size(), k))
    header, at, blobs = {}, 0, []
    if metadata:
        header["__metadata__"] = metadata
    for k in order:
        t = tensors[k]
        blob = t.numpy().astype(DTYPES[NAMES[t.dtype]][1]).tobytes()
        header[k] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [at, at + len(blob)]}
        at += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def conv_net():
    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.BatchNorm2d(2), nn.ReLU(), nn.Flatten(), nn.Linear(18, 3))


class TiedNet(nn.Module):
    """Embedding 5x4 used on one-hot rows, autoencoder 4->3->4, head 4->5 (Motif's Nets.TiedNet)."""

    def __init__(self, tie_head):
        super().__init__()
        self.embed = nn.Embedding(5, 4)
        self.encoder = nn.Linear(4, 3)
        self.decoder = nn.Linear(3, 4)
        self.head = nn.Linear(4, 5)
        if tie_head:
            self.head.weight = self.embed.weight  # the usual tied embedding: one Parameter, two names in state_dict

    def forward(self, one_hot):
        return self.head(self.decoder(torch.tanh(self.encoder(one_hot @ self.embed.weight))))


class Wrapper(nn.Module):
    """A training wrapper that holds the net as .model, as Lightning does: names gain "model."."""

    def __init__(self, model):
        super().__init__()
        self.model = model


def max_diff(a, b):
    return float((a.double() - b.double()).abs().max())


def motif_to_torch(fixtures, results):
    io = load_file(os.path.join(fixtures, "motif-io.safetensors"))
    ok = True

    net = conv_net().eval()
    state = load_file(os.path.join(fixtures, "motif-convnet.safetensors"))
    missing = net.load_state_dict(state, strict=True)  # raises on any missing or unexpected key
    with torch.no_grad():
        d = max_diff(net(io["convnet.x"]), io["convnet.y"])
    results.append({"case": "motif-convnet -> torch Sequential(Conv2d, BatchNorm2d, ReLU, Flatten, Linear)", "strict": True,
                    "keys": sorted(state), "missing": missing.missing_keys, "unexpected": missing.unexpected_keys, "max_abs_diff": d})
    ok &= d < TOLERANCE

    state = load_file(os.path.join(fixtures, "motif-tied.safetensors"))
    for tie_head in (True, False):
        net = TiedNet(tie_head)
        net.load_state_dict(state, strict=True)
        with torch.no_grad():
            d = max_diff(net(io["tied.x"]), io["tied.y"])
            transposed = max_diff(net.decoder.weight, net.encoder.weight.t())
        results.append({"case": "motif-tied -> torch TiedNet(" + ("head.weight is embed.weight" if tie_head else "untied") + ")", "strict": True,
                        "keys": sorted(state), "still_shared": net.head.weight is net.embed.weight, "decoder_minus_encoder_T": transposed,
                        "max_abs_diff": d})
        ok &= d < TOLERANCE and transposed == 0.0 and (net.head.weight is net.embed.weight) == tie_head
    return ok


def torch_to_motif(fixtures, results):
    torch.manual_seed(0)
    net = conv_net()
    net.train()
    with torch.no_grad():
        for _ in range(3):
            net(torch.randn(4, 1, 5, 5))  # running statistics, num_batches_tracked = 3
    net.eval()
    conv_x = torch.randn(2, 1, 5, 5)
    with torch.no_grad():
        conv_y = net(conv_x)
    parallel = nn.DataParallel(net)  # on a machine without GPUs it only wraps: names gain "module."
    save_file(parallel.state_dict(), os.path.join(fixtures, "torch-convnet.safetensors"), {"format": "pt"})

    tied = TiedNet(tie_head=True)
    with torch.no_grad():
        tied.decoder.weight.copy_(tied.encoder.weight.t())  # the decoder holds the encoder's transpose: both names in the state dict
    tied_x = F.one_hot(torch.tensor([2, 0, 4]), 5).float()
    with torch.no_grad():
        tied_y = tied(tied_x)
    save_file(Wrapper(tied).state_dict(), os.path.join(fixtures, "torch-tied.safetensors"), {"format": "pt"})
    save_file({"convnet.x": conv_x, "convnet.y": conv_y, "tied.x": tied_x, "tied.y": tied_y},
              os.path.join(fixtures, "torch-io.safetensors"), {"format": "pt"})
    results.append({"case": "torch writes torch-convnet (module.*), torch-tied (model.*, both names of each tie), torch-io",
                    "num_batches_tracked": int(net[1].num_batches_tracked), "keys": sorted(Wrapper(tied).state_dict())})

    # The files read back in torch as they were written.
    again = conv_net().eval()
    again.load_state_dict({k[len("module."):]: v for k, v in load_file(os.path.join(fixtures, "torch-convnet.safetensors")).items()})
    with torch.no_grad():
        return max_diff(again(conv_x), conv_y) == 0.0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--fixtures", default=FIXTURES, help="directory of the fixture files (default: Motif's test resources)")
    ap.add_argument("--check-only", action="store_true", help="check Motif's files, write nothing")
    ap.add_argument("--json", help="write the results here")
    args = ap.parse_args()
    torch.set_num_threads(1)
    results = []
    ok = motif_to_torch(args.fixtures, results)
    if not args.check_only:
        ok &= torch_to_motif(args.fixtures, results)
    print("torch", torch.__version__, "| safetensors package:", "yes" if st is not None else "no (the script's own reader and writer)")
    for r in results:
        print(" ", r["case"])
        for k, v in r.items():
            if k != "case":
                print("     ", k + ":", v)
    print("OK" if ok else "MISMATCH")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"torch": torch.__version__, "ok": bool(ok), "results": results}, f, indent=2)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
