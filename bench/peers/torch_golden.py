#!/usr/bin/python3
"""Golden files: PyTorch's numbers for every Motif layer and loss, so that the Java tests in
core/src/test/java/dev/motif/golden/ compare Motif with PyTorch without PyTorch installed.

Regenerate (from the repository root; PyTorch 1.13 from Debian's python3-torch, which a pyenv
python3 first on PATH hides, hence the explicit interpreter), then commit the files:

    /usr/bin/python3 bench/peers/torch_golden.py            # writes core/src/test/resources/golden/
    /usr/bin/python3 bench/peers/torch_golden.py --out DIR  # elsewhere, e.g. to diff against the committed files

The output is deterministic: every case draws its numbers from its own generator, seeded by the
case's name, so a rerun with the same PyTorch writes byte-identical files and adding a case does
not change the others.

What a case holds. For a layer: the PyTorch module is built in float64 (a few cases in float32)
with fixed random weights and input; it runs forward, then backward of a fixed random contraction
of the output, L = Σ out·contraction. The file keeps, under "<case>/<name>": the input "x", the
parameters by their PyTorch names ("weight", "bias"; listed in the option "parameters"), "out", "contraction", and the gradients
"grad.x", "grad.weight", "grad.bias"; batch norm also "running_mean"/"running_var" before
("running_mean.before", ...) and after the step. For a loss: its inputs by role ("prediction",
"target", "logits", "x1", ...), integer labels as I64, then the same out, contraction and grad.*.
The options of each case (layer or loss, geometry, eps, reduction, dtype) are a JSON list in the
file's metadata under "cases", one object per case with its "name".

Locally connected layers have no PyTorch module: their reference is written here with F.unfold and
one kernel per output position, in Motif's layout (weight [P, out, (in/groups)·kh·kw] with
P = oh·outW + ow, bias [out, *out_spatial]). The contrastive loss has no PyTorch function either:
its reference is the formula of Motif's Javadoc in torch ops (checks Motif's autodiff, not the
definition).

One file per family, all under 1 MB together; the safetensors files are written here directly
(8-byte little-endian header length, JSON header, little-endian data), so no package beyond torch
is needed.
"""
import argparse
import json
import os
import struct
import sys
import zlib

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F64": torch.float64, "F32": torch.float32}
ST_DTYPES = {torch.float64: "F64", torch.float32: "F32", torch.int64: "I64"}


# ---------------------------------------------------------------- safetensors

def write_safetensors(path, tensors, metadata):
    """tensors: name -> torch tensor (F64, F32 or I64); metadata: str -> str."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name in sorted(tensors):
        t = tensors[name].detach().contiguous().cpu()
        data = t.numpy().astype(t.numpy().dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": ST_DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, sort_keys=True, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)


class Family:
    """The cases of one file."""

    def __init__(self, name):
        self.name, self.cases, self.tensors = name, [], {}

    def add(self, name, options, tensors):
        if any(c["name"] == name for c in self.cases):
            raise ValueError("duplicate case " + name)
        self.cases.append(dict(options, name=name))
        for k, v in tensors.items():
            self.tensors[name + "/" + k] = v

    def write(self, out):
        path = os.path.join(out, self.name + ".safetensors")
        meta = {"cases": json.dumps(self.cases, sort_keys=True), "torch": torch.__version__.split("+")[0],
                "generator": "bench/peers/torch_golden.py"}
        write_safetensors(path, self.tensors, meta)
        return path, len(self.cases)


def rng(name):
    return torch.Generator().manual_seed(zlib.crc32(name.encode("utf-8")))


def uniform(g, lo, hi, shape, dtype):
    return (lo + (hi - lo) * torch.rand(shape, generator=g, dtype=torch.float64)).to(dtype)


def distinct(g, shape, dtype, spread=4.0):
    """Values at least spread/n apart in random order: max pooling without ties."""
    n = 1
    for s in shape:
        n *= s
    perm = torch.randperm(n, generator=g).to(torch.float64)
    jitter = 0.3 * torch.rand(n, generator=g, dtype=torch.float64)
    return ((perm + jitter) / n * spread - spread / 2).reshape(shape).to(dtype)


def contract(out, g):
    """A fixed random contraction of the output: weights ±[0.5, 1.5], so every element counts differently."""
    w = uniform(g, 0.5, 1.5, out.shape, out.dtype) * (torch.randint(0, 2, out.shape, generator=g) * 2 - 1).to(out.dtype)
    return (out * w).sum(), w


def run(f, g, inputs):
    """out = f(**inputs), then backward of the contraction; returns the tensors to save."""
    leaves = {k: v.clone().requires_grad_(v.is_floating_point()) for k, v in inputs.items()}
    out = f(**leaves)
    loss, w = contract(out, g)
    loss.backward()
    saved = {k: v.detach() for k, v in leaves.items()}
    saved.update({"out": out.detach(), "contraction": w})
    for k, v in leaves.items():
        if v.grad is not None:
            saved["grad." + k] = v.grad
    return saved


def module_case(fam, name, module, x, options, g, dtype):
    """A layer case: weights already set on the module; saves input, parameters, output, gradients."""
    x = x.clone().requires_grad_(True)
    out = module(x)
    loss, w = contract(out, g)
    loss.backward()
    t = {"x": x.detach(), "out": out.detach(), "contraction": w, "grad.x": x.grad}
    names = []
    for pname, p in module.named_parameters():
        t[pname] = p.detach()
        t["grad." + pname] = p.grad
        names.append(pname)
    fam.add(name, dict(options, dtype=dtype_name(dtype), parameters=names), t)


def dtype_name(dtype):
    return {torch.float64: "F64", torch.float32: "F32"}[dtype]


def set_params(module, g, dtype, lo=-0.8, hi=0.8):
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(uniform(g, lo, hi, p.shape, dtype))


# ---------------------------------------------------------------- layers

def linear(out):
    fam = Family("linear")
    for name, fin, fout, bias, xshape, dtype in [
        ("linear", 5, 3, True, (4, 5), torch.float64),
        ("linear_nobias_rank3", 5, 3, False, (2, 3, 5), torch.float64),
        ("linear_vector", 4, 2, True, (4,), torch.float64),
        ("linear_f32", 6, 4, True, (3, 6), torch.float32),
    ]:
        g = rng(name)
        m = nn.Linear(fin, fout, bias=bias).to(dtype)
        set_params(m, g, dtype)
        module_case(fam, name, m, uniform(g, -2, 2, xshape, dtype), {"layer": "Linear", "in": fin, "out": fout, "bias": bias}, g, dtype)
    return fam.write(out)


# (name, in, out, kernel, stride, padding, dilation, groups, bias, input spatial, dtype);
# kernel, stride, padding and dilation are per axis in 2-D; padding may be "same".
CONV2D = [
    ("basic", 2, 3, (3, 3), (1, 1), (0, 0), (1, 1), 1, True, (5, 6), torch.float64),
    ("stride2_pad1", 2, 4, (3, 3), (2, 2), (1, 1), (1, 1), 1, True, (7, 6), torch.float64),
    ("dilation2_pad2", 3, 2, (3, 3), (1, 1), (2, 2), (2, 2), 1, True, (6, 7), torch.float64),
    ("groups2_nobias", 4, 6, (3, 3), (1, 1), (1, 1), (1, 1), 2, False, (5, 5), torch.float64),
    ("depthwise", 3, 3, (3, 3), (2, 2), (1, 1), (1, 1), 3, True, (6, 6), torch.float64),
    ("rect_mixed", 2, 4, (2, 3), (2, 1), (1, 0), (1, 2), 2, True, (6, 7), torch.float64),
    ("same_k3", 2, 3, (3, 3), (1, 1), "same", (1, 1), 1, True, (5, 4), torch.float64),
    ("same_k4_asymmetric", 2, 2, (4, 4), (1, 1), "same", (1, 1), 1, True, (5, 6), torch.float64),
    ("same_k2_dilation3", 2, 2, (2, 2), (1, 1), "same", (3, 3), 2, False, (6, 5), torch.float64),
    ("f32_stride2_pad1", 3, 4, (3, 3), (2, 2), (1, 1), (1, 1), 1, True, (6, 6), torch.float32),
]

CONV1D = [
    ("basic", 2, 3, 3, 1, 0, 1, 1, True, 8, torch.float64),
    ("stride2_pad1", 2, 4, 3, 2, 1, 1, 1, True, 9, torch.float64),
    ("dilation2_pad1", 3, 2, 3, 1, 1, 2, 1, True, 9, torch.float64),
    ("groups2_nobias", 4, 6, 3, 1, 1, 1, 2, False, 7, torch.float64),
    ("stride3_groups2", 4, 2, 4, 3, 2, 1, 2, True, 11, torch.float64),
    ("same_k3", 2, 3, 3, 1, "same", 1, 1, True, 6, torch.float64),
    ("same_k4_asymmetric", 2, 2, 4, 1, "same", 1, 1, True, 7, torch.float64),
    ("same_k2_dilation3", 2, 2, 2, 1, "same", 3, 2, False, 8, torch.float64),
    ("pad3_beyond_kernel", 2, 2, 2, 2, 3, 1, 1, True, 5, torch.float64),
    ("f32_stride2_pad1", 3, 4, 3, 2, 1, 1, 1, True, 10, torch.float32),
]


def conv_options(stride, padding, dilation, groups, bias):
    return {"stride": list(stride) if isinstance(stride, tuple) else stride,
            "padding": padding if isinstance(padding, str) else (list(padding) if isinstance(padding, tuple) else padding),
            "dilation": list(dilation) if isinstance(dilation, tuple) else dilation, "groups": groups, "bias": bias}


def convs(out):
    written = []
    for fam_name, cases, cls, rank in [("conv1d", CONV1D, nn.Conv1d, 1), ("conv2d", CONV2D, nn.Conv2d, 2)]:
        fam = Family(fam_name)
        for (name, cin, cout, k, s, p, d, groups, bias, spatial, dtype) in cases:
            name = fam_name + "_" + name
            g = rng(name)
            m = cls(cin, cout, k, stride=s, padding=p, dilation=d, groups=groups, bias=bias).to(dtype)
            set_params(m, g, dtype)
            shape = (2, cin) + (spatial if rank == 2 else (spatial,))
            opts = dict(conv_options(s, p, d, groups, bias), layer="Conv%dd" % rank, **{"in": cin, "out": cout},
                        kernel=list(k) if rank == 2 else k)
            module_case(fam, name, m, uniform(g, -2, 2, shape, dtype), opts, g, dtype)
        written.append(fam.write(out))
    return written


def resolved_padding(k, d, p):
    """(before, after) per axis; "same" puts the odd zero after, as PyTorch does."""
    if p == "same":
        return [(d_ * (k_ - 1) // 2, d_ * (k_ - 1) - d_ * (k_ - 1) // 2) for k_, d_ in zip(k, d)]
    return [(p_, p_) for p_ in p]


def locally_connected(x, weight, bias, k, s, p, d, groups):
    """Reference locally connected layer over (N, C, H, W): F.unfold, then each position's own kernel.

    weight [P, out, (C/groups)·kh·kw] (P = oh·outW + ow), bias [out, outH, outW] or None. Unfold
    orders a column's rows by (channel, kh, kw), so group g's rows are one contiguous block.
    """
    n, c = x.shape[0], x.shape[1]
    pads = resolved_padding(k, d, p)
    xp = F.pad(x, (pads[1][0], pads[1][1], pads[0][0], pads[0][1]))
    cols = F.unfold(xp, kernel_size=k, dilation=d, stride=s)  # (N, C·kh·kw, P)
    positions = cols.shape[2]
    oh = (xp.shape[2] - (d[0] * (k[0] - 1) + 1)) // s[0] + 1
    ow = (xp.shape[3] - (d[1] * (k[1] - 1) + 1)) // s[1] + 1
    assert oh * ow == positions
    o = weight.shape[1]
    cols = cols.reshape(n, groups, -1, positions)                        # (N, g, K, P)
    w = weight.reshape(positions, groups, o // groups, -1)              # (P, g, O/g, K)
    y = torch.einsum("pgok,ngkp->ngop", w, cols).reshape(n, o, oh, ow)
    return y if bias is None else y + bias.reshape(1, o, oh, ow)


def check_reference(x, cin, cout, k, s, p, d, groups, positions, fan_in, g):
    """The reference with one kernel copied to every position must be PyTorch's convolution."""
    kernel = uniform(g, -1, 1, (cout, cin // groups) + tuple(k), torch.float64)
    bias = uniform(g, -1, 1, (cout,), torch.float64)
    conv = F.conv2d(x.double(), kernel, bias, stride=s, padding=p, dilation=d, groups=groups)
    copies = kernel.reshape(1, cout, fan_in).expand(positions, cout, fan_in)
    mine = locally_connected(x.double(), copies, bias.reshape(cout, 1, 1).expand(cout, *conv.shape[2:]), k, s, p, d, groups)
    err = (mine - conv).abs().max().item()
    if err > 1e-12:
        raise AssertionError("unfold reference differs from conv2d by %g" % err)


def local(out):
    written = []
    for fam_name, cases, rank in [("local1d", CONV1D, 1), ("local2d", CONV2D, 2)]:
        fam = Family(fam_name)
        for (name, cin, cout, k, s, p, d, groups, bias, spatial, dtype) in cases:
            name = fam_name + "_" + name
            g = rng(name)
            k2 = k if rank == 2 else (1, k)
            s2 = s if rank == 2 else (1, s)
            d2 = d if rank == 2 else (1, d)
            p2 = p if isinstance(p, str) else (p if rank == 2 else (0, p))
            sp2 = spatial if rank == 2 else (1, spatial)
            pads = resolved_padding(k2, d2, p2)
            outsp = [(sp2[i] + pads[i][0] + pads[i][1] - (d2[i] * (k2[i] - 1) + 1)) // s2[i] + 1 for i in range(2)]
            positions = outsp[0] * outsp[1]
            fan_in = cin // groups * k2[0] * k2[1]
            x = uniform(g, -2, 2, (2, cin) + tuple(sp2), dtype)
            weight = uniform(g, -0.8, 0.8, (positions, cout, fan_in), dtype)
            b = uniform(g, -0.8, 0.8, (cout, outsp[0], outsp[1]), dtype) if bias else None
            inputs = {"x": x if rank == 2 else x.reshape(2, cin, spatial), "weight": weight}
            if bias:
                inputs["bias"] = b if rank == 2 else b.reshape(cout, outsp[1])

            def f(x, weight, bias=None):
                # a sequence is an image of height one
                x4 = x if rank == 2 else x.unsqueeze(2)
                b3 = None if bias is None else bias.reshape(cout, outsp[0], outsp[1])
                y = locally_connected(x4, weight, b3, k2, s2, p2, d2, groups)
                return y if rank == 2 else y.squeeze(2)

            check_reference(x, cin, cout, k2, s2, p2, d2, groups, positions, fan_in, rng(name + "/check"))
            saved = run(f, g, inputs)
            opts = dict(conv_options(s, p, d, groups, bias), layer="LocallyConnected%dd" % rank, **{"in": cin, "out": cout},
                        kernel=list(k) if rank == 2 else k, input=list(spatial) if rank == 2 else spatial, dtype=dtype_name(dtype),
                        parameters=["weight", "bias"] if bias else ["weight"])
            fam.add(name, opts, saved)
        written.append(fam.write(out))
    return written


def pools(out):
    fam = Family("pool")
    for kind, cls1, cls2 in [("MaxPool", nn.MaxPool1d, nn.MaxPool2d), ("AvgPool", nn.AvgPool1d, nn.AvgPool2d)]:
        for k, s, p in [(2, 2, 0), (3, 1, 0), (3, 2, 1), (4, 3, 2)]:
            for rank, cls, shape in [(1, cls1, (2, 3, 9)), (2, cls2, (2, 2, 7, 6))]:
                name = "%s%dd_k%d_s%d_p%d" % (kind.lower(), rank, k, s, p)
                g = rng(name)
                module_case(fam, name, cls(k, stride=s, padding=p), distinct(g, shape, torch.float64),
                            {"layer": "%s%dd" % (kind, rank), "kernel": k, "stride": s, "padding": p}, g, torch.float64)
    name = "maxpool2d_f32_k3_s2_p1"
    g = rng(name)
    module_case(fam, name, nn.MaxPool2d(3, stride=2, padding=1), distinct(g, (2, 2, 6, 7), torch.float32),
                {"layer": "MaxPool2d", "kernel": 3, "stride": 2, "padding": 1}, g, torch.float32)
    name = "avgpool2d_f32_k3_s2_p1"
    g = rng(name)
    module_case(fam, name, nn.AvgPool2d(3, stride=2, padding=1), uniform(g, -2, 2, (2, 2, 6, 7), torch.float32),
                {"layer": "AvgPool2d", "kernel": 3, "stride": 2, "padding": 1}, g, torch.float32)
    # Ties, as after a ReLU: both libraries give a window's gradient to its first maximum (row-major).
    for name, m, shape, layer, opts in [
        ("maxpool1d_ties_k3_s2_p1", nn.MaxPool1d(3, stride=2, padding=1), (2, 2, 9), "MaxPool1d", {"kernel": 3, "stride": 2, "padding": 1}),
        ("maxpool2d_ties_k3_s1_p1", nn.MaxPool2d(3, stride=1, padding=1), (2, 2, 5, 6), "MaxPool2d", {"kernel": 3, "stride": 1, "padding": 1}),
        ("maxpool2d_ties_k2_s2_p0", nn.MaxPool2d(2, stride=2, padding=0), (2, 2, 6, 6), "MaxPool2d", {"kernel": 2, "stride": 2, "padding": 0}),
        ("globalmaxpool_ties_rank4", nn.Sequential(nn.AdaptiveMaxPool2d(1), nn.Flatten()), (3, 2, 3, 3), "GlobalMaxPool", {}),
    ]:
        g = rng(name)
        x = torch.randint(0, 3, shape, generator=g).to(torch.float64).relu() * torch.randint(0, 2, shape, generator=g).to(torch.float64)
        module_case(fam, name, m, x, dict(opts, layer=layer), g, torch.float64)
    # Global pooling as a PyTorch user writes it: an adaptive pool to size one, then flatten.
    for layer, adaptive in [("GlobalAvgPool", {3: nn.AdaptiveAvgPool1d, 4: nn.AdaptiveAvgPool2d, 5: nn.AdaptiveAvgPool3d}),
                            ("GlobalMaxPool", {3: nn.AdaptiveMaxPool1d, 4: nn.AdaptiveMaxPool2d, 5: nn.AdaptiveMaxPool3d})]:
        for shape in [(2, 3, 5), (2, 3, 4, 3), (2, 2, 2, 3, 2)]:
            name = "%s_rank%d" % (layer.lower(), len(shape))
            g = rng(name)
            m = nn.Sequential(adaptive[len(shape)](1), nn.Flatten())
            module_case(fam, name, m, distinct(g, shape, torch.float64), {"layer": layer}, g, torch.float64)
    return fam.write(out)


def norms(out):
    fam = Family("norm")
    # offset: inputs far from zero, where a one-pass variance E[x²] − E[x]² would lose its digits
    for name, cls, layer, c, shape, eps, momentum, offset, dtype in [
        ("batchnorm1d_nc", nn.BatchNorm1d, "BatchNorm1d", 3, (5, 3), 1e-5, 0.1, 0, torch.float64),
        ("batchnorm1d_ncl", nn.BatchNorm1d, "BatchNorm1d", 3, (4, 3, 5), 1e-3, 0.3, 0, torch.float64),
        ("batchnorm2d", nn.BatchNorm2d, "BatchNorm2d", 2, (3, 2, 4, 3), 1e-5, 0.1, 0, torch.float64),
        ("batchnorm2d_eps_momentum", nn.BatchNorm2d, "BatchNorm2d", 3, (2, 3, 3, 3), 0.5, 0.75, 0, torch.float64),
        ("batchnorm2d_offset1000", nn.BatchNorm2d, "BatchNorm2d", 2, (2, 2, 3, 3), 1e-5, 0.1, 1000, torch.float64),
        ("batchnorm2d_f32", nn.BatchNorm2d, "BatchNorm2d", 3, (2, 3, 4, 4), 1e-5, 0.1, 0, torch.float32),
    ]:
        for training in (True, False):
            case = name + ("_train" if training else "_eval")
            g = rng(case)
            m = cls(c, eps=eps, momentum=momentum).to(dtype)
            with torch.no_grad():
                m.weight.copy_(uniform(g, 0.5, 1.5, (c,), dtype))
                m.bias.copy_(uniform(g, -1, 1, (c,), dtype))
                m.running_mean.copy_(uniform(g, -1, 1, (c,), dtype))
                m.running_var.copy_(uniform(g, 0.5, 2, (c,), dtype))
            before = {"running_mean.before": m.running_mean.clone(), "running_var.before": m.running_var.clone()}
            m.train(training)
            x = uniform(g, -2, 2, shape, dtype) * uniform(g, 0.5, 3, (1, c) + (1,) * (len(shape) - 2), dtype) + offset
            module_case(fam, case, m, x, {"layer": layer, "features": c, "eps": eps, "momentum": momentum, "training": training}, g, dtype)
            fam.tensors.update({case + "/" + k: v for k, v in before.items()})
            fam.tensors[case + "/running_mean"] = m.running_mean.detach().clone()
            fam.tensors[case + "/running_var"] = m.running_var.detach().clone()
    for name, shape, normalized, eps, dtype in [
        ("layernorm_last", (3, 4, 6), [6], 1e-5, torch.float64),
        ("layernorm_two_axes", (2, 3, 4), [3, 4], 1e-3, torch.float64),
        ("layernorm_offset1000", (3, 5), [5], 1e-5, torch.float64),
        ("layernorm_f32", (4, 5), [5], 1e-5, torch.float32),
    ]:
        g = rng(name)
        m = nn.LayerNorm(normalized, eps=eps).to(dtype)
        with torch.no_grad():
            m.weight.copy_(uniform(g, 0.5, 1.5, normalized, dtype))
            m.bias.copy_(uniform(g, -1, 1, normalized, dtype))
        x = uniform(g, -2, 2, shape, dtype) + (1000 if "offset" in name else 0)
        module_case(fam, name, m, x, {"layer": "LayerNorm", "normalized": normalized, "eps": eps}, g, dtype)
    return fam.write(out)


def activations(out):
    fam = Family("activation")
    acts = {"relu": nn.ReLU(), "tanh": nn.Tanh(), "sigmoid": nn.Sigmoid(), "gelu": nn.GELU(), "softplus": nn.Softplus()}
    # ±1000 and values in both tails; no exact 0 (ReLU's kink) and nothing in (20, 35), where PyTorch's
    # Softplus returns x itself (its threshold of 20) while Motif's log1p form is off x by up to 2e-9.
    extreme = [-1000.0, -40.0, -12.0, -3.5, -0.7, 0.3, 2.5, 9.0, 40.0, 1000.0]
    for act, m in acts.items():
        for dtype in (torch.float64, torch.float32):
            name = "%s_%s" % (act, dtype_name(dtype).lower())
            g = rng(name)
            module_case(fam, name, m, uniform(g, -4, 4, (3, 4), dtype), {"layer": "Activation", "activation": act}, g, dtype)
        name = act + "_extreme"
        g = rng(name)
        module_case(fam, name, m, torch.tensor(extreme, dtype=torch.float64).reshape(2, 5), {"layer": "Activation", "activation": act}, g,
                    torch.float64)
    # Softplus above its threshold, kept apart: PyTorch returns x and gradient 1 there, the function
    # itself is x + log1p(exp(-x)) with gradient σ(x); they differ by at most exp(-20) = 2.1e-9.
    name = "softplus_above_threshold"
    g = rng(name)
    module_case(fam, name, acts["softplus"], torch.tensor([[20.5, 21.0, 23.0], [25.0, 30.0, 34.0]], dtype=torch.float64),
                {"layer": "Activation", "activation": "softplus", "tolerance": 2.1e-9,
                 "why": "PyTorch's Softplus returns x for x > 20 (threshold); the exact value differs by log1p(exp(-x)) <= 2.1e-9"},
                g, torch.float64)
    name = "flatten"
    g = rng(name)
    module_case(fam, name, nn.Flatten(), uniform(g, -2, 2, (2, 3, 2, 2), torch.float64), {"layer": "Flatten"}, g, torch.float64)
    return fam.write(out)


# ---------------------------------------------------------------- losses

def contrastive_reference(x1, x2, same, margin, reduction):
    """Motif's definition: y·d² + (1 − y)·max(0, margin − d)², d = √(|x1 − x2|² + 1e-12), y = 1 for "same"."""
    sq = ((x1 - x2) ** 2).sum(1) + 1e-12
    d = sq.sqrt()
    y = same.to(x1.dtype)
    per = y * sq + (1 - y) * torch.clamp(margin - d, min=0) ** 2
    return {"mean": per.mean(), "sum": per.sum(), "none": per}[reduction]


def losses(out):
    fam = Family("loss")
    R = ("mean", "sum", "none")

    def case(name, loss, options, inputs, f):
        g = rng(name + "/contraction")
        saved = run(f, g, inputs)
        dtype = next(v.dtype for v in inputs.values() if v.is_floating_point())
        fam.add(name, dict(options, loss=loss, dtype=dtype_name(dtype)), saved)

    for dtype in (torch.float64, torch.float32):
        suffix = "" if dtype == torch.float64 else "_f32"
        for red in R:
            g = rng("regression" + suffix + red)
            p, t = uniform(g, -3, 3, (3, 4), dtype), uniform(g, -3, 3, (3, 4), dtype)
            case("mse_%s%s" % (red, suffix), "mse", {"reduction": red}, {"prediction": p, "target": t},
                 lambda prediction, target: F.mse_loss(prediction, target, reduction=red))
            case("l1_%s%s" % (red, suffix), "l1", {"reduction": red}, {"prediction": p, "target": t},
                 lambda prediction, target: F.l1_loss(prediction, target, reduction=red))
            for delta in (1.0, 0.5, 2.5):
                case("huber_d%g_%s%s" % (delta, red, suffix), "huber", {"reduction": red, "delta": delta}, {"prediction": p, "target": t},
                     lambda prediction, target: F.huber_loss(prediction, target, reduction=red, delta=delta))
            for beta in (1.0, 0.5, 0.0):
                case("smoothl1_b%g_%s%s" % (beta, red, suffix), "smoothL1", {"reduction": red, "beta": beta}, {"prediction": p, "target": t},
                     lambda prediction, target: F.smooth_l1_loss(prediction, target, reduction=red, beta=beta))
            y = torch.rand((3, 4), generator=g, dtype=torch.float64).to(dtype)
            case("bce_logits_%s%s" % (red, suffix), "binaryCrossEntropyWithLogits", {"reduction": red}, {"logits": p * 2, "target": y},
                 lambda logits, target: F.binary_cross_entropy_with_logits(logits, target, reduction=red))

            g = rng("classes" + suffix + red)
            z = uniform(g, -3, 3, (6, 4), dtype)
            labels = torch.randint(0, 4, (6,), generator=g)
            w = uniform(g, 0.2, 2.0, (4,), dtype)
            ignored = labels.clone()
            ignored[1], ignored[4] = -100, -100
            for variant, lab, weight, ignore in [("", labels, None, None), ("_weighted", labels, w, None),
                                                 ("_ignore", ignored, None, -100), ("_weighted_ignore", ignored, w, -100),
                                                 ("_ignore_class2", labels, w, 2)]:
                opts = {"reduction": red, "weighted": weight is not None}
                if ignore is not None:
                    opts["ignore_index"] = ignore
                kw = {"reduction": red, "weight": weight, "ignore_index": -100 if ignore is None else ignore}
                case("cross_entropy%s_%s%s" % (variant, red, suffix), "crossEntropy", opts, {"logits": z, "labels": lab, **({"class_weights": weight} if weight is not None else {})},
                     lambda logits, labels, class_weights=None: F.cross_entropy(logits, labels, **kw))
                case("nll%s_%s%s" % (variant, red, suffix), "nll", opts,
                     {"log_probabilities": F.log_softmax(z, 1), "labels": lab, **({"class_weights": weight} if weight is not None else {})},
                     lambda log_probabilities, labels, class_weights=None: F.nll_loss(log_probabilities, labels, **kw))

            g = rng("pairs" + suffix + red)
            x1, x2 = uniform(g, -2, 2, (6, 3), dtype), uniform(g, -2, 2, (6, 3), dtype)
            pm = torch.tensor([1, -1, 1, -1, -1, 1])
            for margin in (0.0, 0.3):
                case("cosine_embedding_m%g_%s%s" % (margin, red, suffix), "cosineEmbedding", {"reduction": red, "margin": margin},
                     {"x1": x1, "x2": x2, "labels": pm},
                     lambda x1, x2, labels: F.cosine_embedding_loss(x1, x2, labels, margin=margin, reduction=red))
            same = torch.tensor([1, 0, 1, 0, 0, 1])
            for margin in (1.0, 3.0):
                case("contrastive_m%g_%s%s" % (margin, red, suffix), "contrastive", {"reduction": red, "margin": margin},
                     {"x1": x1, "x2": x2, "labels": same},
                     lambda x1, x2, labels: contrastive_reference(x1, x2, labels, margin, red))
            a, pos, neg = (uniform(g, -2, 2, (5, 4), dtype) for _ in range(3))
            for margin, p_, eps, swap in [(1.0, 2.0, 1e-6, False), (0.5, 1.0, 1e-6, False), (2.0, 3.0, 1e-3, True), (1.5, 2.0, 0.0, True)]:
                case("triplet_m%g_p%g_eps%g%s_%s%s" % (margin, p_, eps, "_swap" if swap else "", red, suffix), "tripletMargin",
                     {"reduction": red, "margin": margin, "p": p_, "eps": eps, "swap": swap},
                     {"anchor": a, "positive": pos, "negative": neg},
                     lambda anchor, positive, negative: F.triplet_margin_loss(anchor, positive, negative, margin=margin, p=p_, eps=eps,
                                                                             swap=swap, reduction=red))

    # ±1000: what a saturated network feeds a loss.
    g = rng("extreme")
    big = (torch.randint(0, 2, (4, 3), generator=g) * 2000 - 1000).to(torch.float64)
    small = uniform(g, -1, 1, (4, 3), torch.float64)
    case("mse_extreme", "mse", {"reduction": "mean"}, {"prediction": big, "target": small},
         lambda prediction, target: F.mse_loss(prediction, target))
    case("huber_extreme", "huber", {"reduction": "mean", "delta": 1.0}, {"prediction": big, "target": small},
         lambda prediction, target: F.huber_loss(prediction, target))
    case("smoothl1_extreme", "smoothL1", {"reduction": "mean", "beta": 1.0}, {"prediction": big, "target": small},
         lambda prediction, target: F.smooth_l1_loss(prediction, target))
    case("bce_logits_extreme", "binaryCrossEntropyWithLogits", {"reduction": "none"}, {"logits": big, "target": (small > 0).to(torch.float64)},
         lambda logits, target: F.binary_cross_entropy_with_logits(logits, target, reduction="none"))
    lab = torch.tensor([0, 2, 1, 1])
    case("cross_entropy_extreme", "crossEntropy", {"reduction": "none", "weighted": False}, {"logits": big, "labels": lab},
         lambda logits, labels: F.cross_entropy(logits, labels, reduction="none"))
    case("cosine_embedding_extreme", "cosineEmbedding", {"reduction": "none", "margin": 0.1},
         {"x1": big, "x2": big.flip(0) + small, "labels": torch.tensor([1, -1, -1, 1])},
         lambda x1, x2, labels: F.cosine_embedding_loss(x1, x2, labels, margin=0.1, reduction="none"))
    case("contrastive_extreme", "contrastive", {"reduction": "none", "margin": 1.0},
         {"x1": big, "x2": big.flip(0) + small, "labels": torch.tensor([1, 0, 1, 0])},
         lambda x1, x2, labels: contrastive_reference(x1, x2, labels, 1.0, "none"))
    case("triplet_extreme", "tripletMargin", {"reduction": "none", "margin": 1.0, "p": 2.0, "eps": 1e-6, "swap": True},
         {"anchor": big, "positive": big + small, "negative": big.flip(1) + small},
         lambda anchor, positive, negative: F.triplet_margin_loss(anchor, positive, negative, swap=True, reduction="none"))
    return fam.write(out)


def main():
    root = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(root, "core", "src", "test", "resources", "golden"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)  # the same summation order on every machine
    results = [linear(args.out), *convs(args.out), *local(args.out), pools(args.out), norms(args.out), activations(args.out), losses(args.out)]
    total = 0
    for path, n in results:
        size = os.path.getsize(path)
        total += size
        print("%-60s %4d cases %8d bytes" % (os.path.relpath(path, root), n, size))
    print("total %d bytes (torch %s)" % (total, torch.__version__))
    if total > 1 << 20:
        sys.exit("golden files exceed 1 MB: make the shapes smaller")


if __name__ == "__main__":
    main()
