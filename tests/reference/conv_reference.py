"""Reference values for Backprop's convolution, pooling and batch-norm layers (PyTorch 1.13, CPU).

Usage: python3 conv_reference.py OUTPUT_DIR
Writes OUTPUT_DIR/conv_conv2d.json, conv_pool.json, conv_batchnorm.json and conv_init.json.

Inputs are drawn from seeded generators and stored beside the results, so the tests read both. Each case with
a gradient stores an upstream gradient "gout" and the gradients of sum(out * gout) with respect to the inputs.
Tensors are stored as {"shape": [...], "data": [row-major values]}.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(1234)


def t(x):
    return {"shape": list(x.shape), "data": [float(v) for v in x.detach().reshape(-1).tolist()]}


def randn(*shape, dtype=torch.float64):
    return torch.randn(*shape, generator=gen, dtype=torch.float64).to(dtype)


def pair(v):
    return list(v) if isinstance(v, (tuple, list)) else [v, v]


def with_grads(case, out, inputs):
    gout = randn(*out.shape, dtype=out.dtype)
    grads = torch.autograd.grad((out * gout).sum(), [v for v in inputs.values()])
    case["out"] = t(out)
    case["gout"] = t(gout)
    for (name, _), g in zip(inputs.items(), grads):
        case["g" + name] = t(g)
    return case


def conv_case(name, x_shape, w_shape, bias=True, stride=1, padding=0, dilation=1, groups=1, dtype=torch.float64):
    x = randn(*x_shape, dtype=dtype).requires_grad_()
    w = randn(*w_shape, dtype=dtype).requires_grad_()
    inputs = {"x": x, "w": w}
    b = None
    if bias:
        b = randn(w_shape[0], dtype=dtype).requires_grad_()
        inputs["b"] = b
    out = F.conv2d(x, w, b, stride=stride, padding=padding, dilation=dilation, groups=groups)
    case = {"name": name, "dtype": str(dtype).replace("torch.", ""), "x": t(x), "w": t(w),
            "stride": pair(stride), "dilation": pair(dilation), "groups": groups}
    if isinstance(padding, str):
        case["padding_mode"] = padding
    else:
        case["padding"] = pair(padding)
    if b is not None:
        case["b"] = t(b)
    return with_grads(case, out, inputs)


def conv_cases():
    return [
        conv_case("basic", (2, 3, 5, 5), (4, 3, 3, 3)),
        conv_case("stride2_pad1", (2, 3, 7, 6), (4, 3, 3, 3), stride=2, padding=1),
        conv_case("rect_kernel_no_bias", (2, 2, 6, 7), (3, 2, 2, 3), bias=False, stride=(2, 1), padding=(1, 2)),
        conv_case("dilation2", (1, 2, 7, 7), (3, 2, 3, 3), padding=2, dilation=2),
        conv_case("groups2", (2, 4, 5, 5), (6, 2, 3, 3), groups=2),
        conv_case("depthwise_stride2", (1, 3, 6, 6), (3, 1, 3, 3), stride=2, padding=1, groups=3),
        conv_case("unbatched", (3, 5, 5), (2, 3, 3, 3)),
        conv_case("same_even_kernel", (1, 2, 5, 6), (3, 2, 4, 2), padding="same", dilation=(1, 2)),
        conv_case("valid", (1, 2, 5, 4), (2, 2, 3, 2), padding="valid"),
        conv_case("pointwise", (2, 4, 3, 3), (5, 4, 1, 1)),
        conv_case("mixed_stride_dilation", (1, 2, 9, 8), (2, 2, 3, 2), stride=(2, 3), padding=(2, 1), dilation=(2, 3)),
        conv_case("float32_mnist_like", (2, 1, 8, 8), (4, 1, 5, 5), dtype=torch.float32),
    ]


def unfold_cases():
    x = randn(2, 3, 5, 5).requires_grad_()
    kw = dict(kernel_size=(2, 3), dilation=(1, 2), padding=1, stride=(2, 1))
    unfold = with_grads({"name": "unfold", "x": t(x), **{k: pair(v) for k, v in kw.items()}}, F.unfold(x, **kw), {"x": x})
    cols = randn(2, 2 * 2 * 2, 9).requires_grad_()
    kw = dict(kernel_size=2, dilation=1, padding=(1, 0), stride=(2, 1))
    fold = with_grads({"name": "fold", "x": t(cols), "output_size": [5, 4], **{k: pair(v) for k, v in kw.items()}},
                      F.fold(cols, (5, 4), **kw), {"x": cols})
    return [unfold, fold]


def pool_case(name, kind, x, **kw):
    x = x.detach().requires_grad_()
    case = {"name": name, "kind": kind, "x": t(x)}
    for k, v in kw.items():
        case[k] = pair(v) if k in ("kernel_size", "stride", "padding", "dilation", "output_size") else v
    if kind == "max":
        out, idx = F.max_pool2d(x, return_indices=True, **kw)
        case["indices"] = [int(i) for i in idx.reshape(-1).tolist()]
    elif kind == "avg":
        out = F.avg_pool2d(x, **kw)
    else:
        out = F.adaptive_avg_pool2d(x, **kw)
    return with_grads(case, out, {"x": x})


def pool_cases():
    ties = (torch.arange(2 * 2 * 5 * 5) * 7 % 5).double().reshape(2, 2, 5, 5)
    return [
        pool_case("max_k2", "max", randn(2, 2, 5, 5), kernel_size=2),
        pool_case("max_k3_s2_p1_ceil", "max", randn(1, 2, 6, 7), kernel_size=3, stride=2, padding=1, ceil_mode=True),
        pool_case("max_dilation2", "max", randn(1, 1, 6, 6), kernel_size=2, stride=1, dilation=2),
        pool_case("max_rect", "max", randn(1, 2, 5, 7), kernel_size=(2, 3), stride=(1, 2), padding=(1, 1)),
        pool_case("max_ties_overlapping", "max", ties, kernel_size=3, stride=1, padding=1),
        pool_case("max_unbatched_ceil", "max", randn(2, 5, 5), kernel_size=2, ceil_mode=True),
        pool_case("avg_k2", "avg", randn(2, 2, 5, 5), kernel_size=2),
        pool_case("avg_k3_s2_p1", "avg", randn(1, 2, 6, 7), kernel_size=3, stride=2, padding=1),
        pool_case("avg_k3_s2_p1_exclude_pad", "avg", randn(1, 2, 6, 7), kernel_size=3, stride=2, padding=1, count_include_pad=False),
        pool_case("avg_ceil_pad", "avg", randn(1, 1, 6, 6), kernel_size=3, stride=2, padding=1, ceil_mode=True),
        pool_case("avg_ceil_pad_exclude", "avg", randn(1, 1, 6, 6), kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False),
        pool_case("avg_divisor_override", "avg", randn(1, 2, 4, 5), kernel_size=(2, 3), stride=1, divisor_override=3),
        pool_case("avg_unbatched_rect", "avg", randn(2, 5, 6), kernel_size=(3, 2), stride=(2, 2), padding=(1, 0)),
        pool_case("adaptive_uneven", "adaptive", randn(1, 2, 5, 7), output_size=(3, 4)),
        pool_case("adaptive_global", "adaptive", randn(2, 3, 4, 5), output_size=1),
        pool_case("adaptive_identity", "adaptive", randn(1, 1, 3, 4), output_size=(3, 4)),
        pool_case("adaptive_upsample", "adaptive", randn(1, 1, 3, 4), output_size=(5, 7)),
        pool_case("adaptive_unbatched", "adaptive", randn(2, 6, 6), output_size=(4, 3)),
    ]


def bn_run(name, module, shapes, shifts, eval_shape, weight=None, bias=None):
    torch.manual_seed(0)
    if weight is not None:
        with torch.no_grad():
            module.weight.copy_(weight)
            module.bias.copy_(bias)
    case = {"name": name, "kind": type(module).__name__, "num_features": module.num_features, "eps": module.eps, "momentum": module.momentum,
            "affine": module.affine, "track_running_stats": module.track_running_stats, "steps": []}
    if weight is not None:
        case["weight"] = t(weight)
        case["bias"] = t(bias)
    module.train()
    for i, (shape, shift) in enumerate(zip(shapes, shifts)):
        x = (randn(*shape) * 2 + shift).requires_grad_()
        out = module(x)
        step = {"x": t(x), "out": t(out)}
        if module.track_running_stats:
            step["running_mean"] = t(module.running_mean)
            step["running_var"] = t(module.running_var)
            step["num_batches_tracked"] = int(module.num_batches_tracked)
        if i == 0:
            params = {"x": x}
            if module.affine:
                params["weight"] = module.weight
                params["bias"] = module.bias
            with_grads(step, out, params)
        case["steps"].append(step)
    module.eval()
    x = randn(*eval_shape).requires_grad_()
    out = module(x)
    case["eval"] = with_grads({"x": t(x)}, out, {"x": x})
    return case


def bn_cases():
    return [
        bn_run("bn2d", nn.BatchNorm2d(3), [(4, 3, 3, 3)] * 3, [0.5, -1.0, 2.0], (2, 3, 2, 2),
               weight=torch.tensor([1.5, -0.5, 0.8]), bias=torch.tensor([0.1, 0.2, -0.3])),
        bn_run("bn1d_cumulative", nn.BatchNorm1d(4, momentum=None), [(5, 4), (3, 4), (6, 4)], [1.0, 0.0, -2.0], (3, 4),
               weight=torch.tensor([0.5, 1.0, 2.0, -1.0]), bias=torch.tensor([0.0, 0.5, -0.5, 1.0])),
        bn_run("bn1d_3d_momentum", nn.BatchNorm1d(2, momentum=0.3, eps=1e-3), [(3, 2, 4), (2, 2, 5)], [0.0, 1.0], (2, 2, 3),
               weight=torch.tensor([0.7, 1.3]), bias=torch.tensor([-0.2, 0.4])),
        bn_run("bn2d_no_affine_no_stats", nn.BatchNorm2d(2, affine=False, track_running_stats=False), [(2, 2, 3, 2)], [1.0], (3, 2, 2, 2)),
    ]


def init_cases():
    cases = []
    for seed, args, kwargs in [(0, (3, 4, 3), {}), (7, (4, 6, (3, 2)), {"groups": 2}), (42, (1, 16, 5), {}),
                               (3, (2, 3, 2), {"bias": False})]:
        torch.manual_seed(seed)
        m = nn.Conv2d(*args, **kwargs, dtype=torch.float32)
        case = {"seed": seed, "in_channels": args[0], "out_channels": args[1], "kernel_size": pair(args[2]),
                "groups": kwargs.get("groups", 1), "bias": kwargs.get("bias", True), "weight": t(m.weight)}
        if m.bias is not None:
            case["bias_values"] = t(m.bias)
        cases.append(case)
    return cases


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    files = {
        "conv_conv2d.json": {"conv2d": conv_cases(), "window": unfold_cases()},
        "conv_pool.json": {"pool": pool_cases()},
        "conv_batchnorm.json": {"batchnorm": bn_cases()},
        "conv_init.json": {"init": init_cases()},
    }
    for name, content in files.items():
        with open(os.path.join(out, name), "w") as f:
            json.dump(content, f)
            f.write("\n")


if __name__ == "__main__":
    main()
