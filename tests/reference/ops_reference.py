"""Reference values for Backprop's Conv1d, Repeat, Cumsum, Sort/Argsort/Topk, Pad and Einsum (PyTorch 1.13, float64 unless
a case says otherwise).

Usage: python3 ops_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/ops_extra.json)

Each case stores its input, torch's output and, for differentiable ones, the gradient of sum(out · gout).
conv1d cases also store the layer's parameters right after torch.manual_seed(seed) (torch's initialisation).
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

gen = torch.Generator().manual_seed(2024)


def packed(t):
    t = t.detach()
    if not t.dtype.is_floating_point:
        return {"shape": list(t.shape), "data": [int(v) for v in t.flatten().tolist()]}
    return {"shape": list(t.shape), "data": [float(v) for v in t.double().flatten().tolist()]}


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float64)


def with_grad(name, x, fn, **extra):
    x = x.clone().requires_grad_()
    out = fn(x)
    gout = randn(*out.shape)
    (out * gout).sum().backward()
    return {"name": name, "x": packed(x), "out": packed(out), "gout": packed(gout), "gx": packed(x.grad), **extra}


def main():
    out_dir = sys.argv[1]
    conv = []
    for seed, (name, kw, shape) in enumerate([
            ("basic", dict(in_channels=3, out_channels=4, kernel_size=3), (2, 3, 7)),
            ("stride_padding_dilation", dict(in_channels=2, out_channels=3, kernel_size=2, stride=2, padding=1, dilation=2), (2, 2, 9)),
            ("groups_same_no_bias", dict(in_channels=4, out_channels=2, kernel_size=3, padding="same", groups=2, bias=False), (1, 4, 5)),
            ("unbatched", dict(in_channels=2, out_channels=2, kernel_size=1), (2, 6))], start=40):
        torch.manual_seed(seed)
        m = nn.Conv1d(**kw, dtype=torch.float64)
        x = randn(*shape).requires_grad_()
        out = m(x)
        gout = randn(*out.shape)
        (out * gout).sum().backward()
        conv.append({"name": name, "seed": seed, "options": kw, "params": {n: packed(p) for n, p in m.named_parameters()},
                     "x": packed(x), "out": packed(out), "gout": packed(gout), "gx": packed(x.grad),
                     "grads": {n: packed(p.grad) for n, p in m.named_parameters()}})
    repeat = [with_grad(f"repeat_{i}", randn(*shape), lambda x, r=r: x.repeat(*r), repeats=list(r))
              for i, (shape, r) in enumerate([((2, 3), (2, 1)), ((3,), (2, 2, 3)), ((2, 1, 2), (1, 3, 2))])]
    cumsum = [with_grad(f"cumsum_{d}", randn(3, 4, 2), lambda x, d=d: torch.cumsum(x, d), dim=d) for d in (0, 1, -1)]
    ints = torch.tensor([[3, -1, 4], [1, 5, -9]])
    cumsum_int = {"x": packed(ints), "out": packed(torch.cumsum(ints, 1))}
    x32 = (torch.rand(1000, generator=gen, dtype=torch.float64) * 1e3).float()
    cumsum_f32 = {"x": packed(x32), "out": packed(torch.cumsum(x32, 0))}
    sortx = randn(3, 5)
    sort = []
    for dim in (0, 1):
        for desc in (False, True):
            v, i = torch.sort(sortx, dim=dim, descending=desc, stable=True)
            sort.append({"name": f"sort_{dim}_{desc}", "dim": dim, "descending": desc, "x": packed(sortx), "values": packed(v), "indices": packed(i)})
    nanx = torch.tensor([2.0, float("nan"), -1.0, 2.0, 0.5], dtype=torch.float64)
    v, i = torch.sort(nanx, stable=True)
    sort_nan = {"x": [2.0, "nan", -1.0, 2.0, 0.5], "indices": i.tolist()}
    topk = []
    for k, dim, largest in [(2, 1, True), (3, 0, False), (1, -1, True)]:
        x = randn(3, 5)
        v, i = torch.topk(x, k, dim, largest)
        case = with_grad(f"topk_{k}_{dim}_{largest}", x, lambda t, k=k, dim=dim, largest=largest: torch.topk(t, k, dim, largest)[0], k=k, dim=dim, largest=largest)
        case["indices"] = packed(i)
        topk.append(case)
    pad = []
    for name, shape, p, mode, value in [
            ("constant_2d", (2, 3, 4), (1, 2, 0, 1), "constant", 0.5),
            ("constant_crop", (2, 5), (-1, 2), "constant", 0.0),
            ("reflect_1d", (1, 2, 5), (2, 3), "reflect", 0.0),
            ("reflect_2d", (1, 1, 4, 4), (1, 2, 3, 1), "reflect", 0.0),
            ("replicate_2d", (1, 2, 3, 3), (2, 1, 1, 3), "replicate", 0.0),
            ("replicate_3d", (1, 1, 2, 2, 3), (1, 1, 0, 2, 1, 0), "replicate", 0.0)]:
        fn = (lambda x, p=p, mode=mode, value=value: F.pad(x, p, mode=mode, value=value)) if mode == "constant" else \
             (lambda x, p=p, mode=mode: F.pad(x, p, mode=mode))
        pad.append(with_grad(name, randn(*shape), fn, pad=list(p), mode=mode, value=value))
    einsum = []
    for name, eq, shapes in [("matmul", "ij,jk->ik", [(2, 3), (3, 4)]), ("batched", "bij,bjk->bik", [(2, 2, 3), (2, 3, 2)]),
                             ("attention_scores", "bhqd,bhkd->bhqk", [(1, 2, 3, 4), (1, 2, 5, 4)]), ("outer", "i,j->ij", [(3,), (2,)]),
                             ("implicit_transpose", "ba", [(2, 3)]), ("sum_all", "ij->", [(2, 3)]), ("three", "ij,jk,k->i", [(2, 3), (3, 4), (4,)]),
                             ("bilinear", "bn,anm,bm->ba", [(2, 3), (4, 3, 2), (2, 2)])]:
        xs = [randn(*sh).requires_grad_() for sh in shapes]
        out = torch.einsum(eq, *xs)
        gout = randn(*out.shape)
        (out * gout).sum().backward()
        einsum.append({"name": name, "equation": eq, "xs": [packed(x) for x in xs], "out": packed(out), "gout": packed(gout),
                       "gxs": [packed(x.grad) for x in xs]})
    data = {"einsum": einsum, "conv1d": conv, "repeat": repeat, "cumsum": cumsum, "cumsum_int": cumsum_int, "cumsum_float32": cumsum_f32, "sort": sort,
            "sort_nan": sort_nan, "topk": topk, "pad": pad}
    with open(os.path.join(out_dir, "ops_extra.json"), "w") as f:
        json.dump(data, f)


if __name__ == "__main__":
    main()
