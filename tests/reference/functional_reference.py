"""Reference values for Backprop's functional derivatives (torch.autograd.functional in PyTorch 1.13).

Usage: python3 functional_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/functional.json)

Fixed Float64 inputs, no random draws. The functions (rebuilt in C# by tests/Backprop.Tests/AutogradTests/FunctionalDerivativeTests.cs):
    f(x)    = sin(x) * x^2                       (elementwise, x of 3)
    g(a, b) = tanh(a @ b)                        (a 2x3, b 3)
    s(x)    = sum(x^3) + sin(x[0] * x[1])         (scalar, x of 3)
    t(a, b) = sum(exp(a) * b^2) + sum(a * b)     (scalar, a and b of 2)
Each value is flattened row-major, with its shape beside it.
"""
import json
import os
import sys

import torch
from torch.autograd.functional import hessian, hvp, jacobian, jvp, vhp, vjp

torch.set_default_dtype(torch.float64)

X = [0.5, -1.2, 2.0]
A = [[0.3, -0.7, 1.1], [0.9, 0.2, -0.4]]
B = [0.6, -1.5, 0.8]
A2 = [0.4, -0.3]
B2 = [1.2, 0.7]
V3 = [1.0, -2.0, 0.5]
V2 = [0.7, -0.2]


def f(x):
    return torch.sin(x) * x ** 2


def g(a, b):
    return torch.tanh(a @ b)


def s(x):
    return (x ** 3).sum() + torch.sin(x[0] * x[1])


def t(a, b):
    return (torch.exp(a) * b ** 2).sum() + (a * b).sum()


def tensor(v):
    return torch.tensor(v)


def out(x):
    return {"shape": list(x.shape), "values": x.reshape(-1).tolist()}


def main():
    r = {}
    r["jacobian_f"] = out(jacobian(f, tensor(X)))
    ja, jb = jacobian(g, (tensor(A), tensor(B)))
    r["jacobian_g_a"] = out(ja)
    r["jacobian_g_b"] = out(jb)
    r["hessian_s"] = out(hessian(s, tensor(X)))
    h = hessian(t, (tensor(A2), tensor(B2)))
    r["hessian_t"] = [[out(h[i][j]) for j in range(2)] for i in range(2)]
    o, p = vjp(f, tensor(X), tensor(V3))
    r["vjp_f"] = {"output": out(o), "vjp": out(p)}
    o, p = jvp(f, tensor(X), tensor(V3))
    r["jvp_f"] = {"output": out(o), "jvp": out(p)}
    o, p = jvp(g, (tensor(A), tensor(B)), (tensor(A) * 0.5, tensor(V3)))
    r["jvp_g"] = {"output": out(o), "jvp": out(p)}
    o, p = vjp(g, (tensor(A), tensor(B)), tensor(V2))
    r["vjp_g"] = {"output": out(o), "vjp_a": out(p[0]), "vjp_b": out(p[1])}
    o, p = hvp(s, tensor(X), tensor(V3))
    r["hvp_s"] = {"output": out(o), "hvp": out(p)}
    o, p = vhp(s, tensor(X), tensor(V3))
    r["vhp_s"] = {"output": out(o), "vhp": out(p)}
    o, p = hvp(t, (tensor(A2), tensor(B2)), (tensor(V2), tensor([0.3, 0.9])))
    r["hvp_t"] = {"output": out(o), "hvp_a": out(p[0]), "hvp_b": out(p[1])}
    # create_graph: the vjp is differentiable; the gradient of its sum with respect to x.
    x = tensor(X).requires_grad_()
    _, p = vjp(f, x, tensor(V3), create_graph=True)
    (gx,) = torch.autograd.grad(p.sum(), x)
    r["vjp_f_create_graph_grad"] = out(gx)
    x = tensor(X).requires_grad_()
    hs = hessian(s, x, create_graph=True)
    (gx,) = torch.autograd.grad(hs.sum(), x)
    r["hessian_s_create_graph_grad"] = out(gx)
    # strict mode messages, and the zeros for an unused input.
    r["jacobian_unused"] = [out(j) for j in jacobian(lambda a, b: a * 2, (tensor(A2), tensor(B2)))]
    messages = {}
    for name, call in {
        "jacobian_strict_unused": lambda: jacobian(lambda a, b: a * 2, (tensor(A2), tensor(B2)), strict=True),
        "vjp_strict_constant": lambda: vjp(lambda a: torch.ones(2), tensor(A2), tensor(V2), strict=True),
        "vjp_v_none": lambda: vjp(f, tensor(X)),
        "vjp_v_size": lambda: vjp(f, tensor(X), tensor(V2)),
        "jvp_v_size_tuple": lambda: jvp(g, (tensor(A), tensor(B)), (tensor(A), tensor(V2))),
        "hessian_not_scalar": lambda: hessian(f, tensor(X)),
        "hessian_strict_linear": lambda: hessian(lambda x: (x * 2).sum(), tensor(X), strict=True),
    }.items():
        try:
            call()
            messages[name] = None
        except RuntimeError as e:
            messages[name] = str(e)
    r["messages"] = messages
    with open(os.path.join(sys.argv[1], "functional.json"), "w") as fh:
        json.dump(r, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
