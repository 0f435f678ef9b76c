"""Reference values for Backprop's Scatter (PyTorch 1.13, float64): torch.scatter with a src tensor or a value, with
reduce='add' and 'multiply', and the gradients of sum(out · gout) with respect to self and src.

Usage: python3 scatter_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/scatter.json, read by
tests/Backprop.Tests/Indexing/ScatterTests.cs)
"""
import json
import os
import sys

import torch

gen = torch.Generator().manual_seed(7)


def packed(t):
    t = t.detach()
    if not t.dtype.is_floating_point:
        return {"shape": list(t.shape), "data": [int(v) for v in t.flatten().tolist()]}
    return {"shape": list(t.shape), "data": [float(v) for v in t.double().flatten().tolist()]}


def randn(*shape):
    return torch.randn(tuple(shape), generator=gen, dtype=torch.float64)


# (name, self shape, dim, index, src shape); the index names some positions twice in most cases (the later write wins).
CASES = [
    ("dim0_repeats", (3, 4), 0, [[0, 1, 2, 0], [2, 0, 0, 1]], (2, 4)),
    ("dim1_src_larger", (3, 5), 1, [[4, 0], [1, 1], [3, 2]], (3, 3)),
    ("dim_minus1_3d", (2, 3, 4), -1, [[[3, 0, 1]], [[2, 2, 0]]], (2, 1, 3)),
    ("dim1_3d", (2, 3, 2), 1, [[[2, 0], [0, 1]], [[1, 1], [2, 0]]], (2, 2, 2)),
    ("vector", (6,), 0, [5, 0, 3, 0], (4,)),
]


def kept(shape, dim, idx):
    """1 where a src element's write stayed (the last to its position, row-major), 0 where a later one overwrote it.
    torch 1.13 gives an overwritten element the position's gradient (grad.gather(dim, index)), a value it never made;
    Backprop gives it zero, which gradcheck confirms, so the reference gradient is torch's times this mask."""
    order = torch.arange(idx.numel()).reshape(idx.shape)
    last = torch.zeros(shape, dtype=torch.long).scatter(dim, idx, order).gather(dim, idx)
    return (last == order).double()


def main():
    out_dir = sys.argv[1]
    cases = []
    for name, shape, dim, index, src_shape in CASES:
        x = randn(*shape).requires_grad_()
        idx = torch.tensor(index)
        # torch 1.13's ScatterBackward0 returns src's gradient in the index's shape, which autograd refuses when src is
        # larger: src's gradient is then left out here (the C# tests check it by gradcheck).
        src = randn(*src_shape).requires_grad_(list(idx.shape) == list(src_shape))
        out = x.scatter(dim, idx, src)
        gout = randn(*out.shape)
        (out * gout).sum().backward()
        value_x = x.detach().clone().requires_grad_()
        value_out = value_x.scatter(dim, idx, 1.5)
        (value_out * gout).sum().backward()
        cases.append({"name": name, "dim": dim, "x": packed(x), "index": packed(idx), "src": packed(src),
                      "out": packed(out), "gout": packed(gout), "gx": packed(x.grad), "gsrc": packed(src.grad * kept(x.shape, dim, idx)) if src.grad is not None else None,
                      "value": 1.5, "value_out": packed(value_out), "value_gx": packed(value_x.grad),
                      "add_out": packed(x.detach().scatter(dim, idx, src.detach(), reduce="add")),
                      "multiply_out": packed(x.detach().scatter(dim, idx, src.detach(), reduce="multiply"))})
    with open(os.path.join(out_dir, "scatter.json"), "w") as f:
        json.dump({"torch_version": torch.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
