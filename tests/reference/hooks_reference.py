"""Reference call order and gradients for Backprop's module hooks (PyTorch 1.13).

Usage: python3 hooks_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/module_hooks.json)

Linear(3, 2) (fixed weights) followed by Tanh in a Sequential, with two forward pre-hooks (the second doubles the
input), a forward hook on the Linear, one on the Sequential, and full backward hooks on the Linear and the Tanh;
then the same after removing the doubling pre-hook and the Linear's backward hook. Also a two-input module whose
backward hook scales its input gradients. Read by tests/Backprop.Tests/NN/ModuleHookTests.cs, which writes its log
lines with the same rounding (numbers as C#'s "R" format prints them: 2 for 2.0).
"""
import json
import os
import sys

import torch
import torch.nn as nn

D = torch.float64


def fmt(values, digits):
    out = []
    for v in values:
        r = round(v, digits)
        out.append(str(int(r)) if r == int(r) else repr(r))
    return "[" + ", ".join(out) + "]"


def main():
    lin = nn.Linear(3, 2).double()
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[0.1, -0.2, 0.3], [0.4, 0.5, -0.6]], dtype=D))
        lin.bias.copy_(torch.tensor([0.05, -0.05], dtype=D))
    model = nn.Sequential(lin, nn.Tanh())
    log = []

    def backward(m, gi, go):
        g = "None" if gi[0] is None else fmt(gi[0].reshape(-1).tolist(), 12)
        log.append(f"bw {type(m).__name__} gi={g} go={fmt(go[0].reshape(-1).tolist(), 12)}")

    lin.register_forward_pre_hook(lambda m, i: log.append("pre1"))
    h2 = lin.register_forward_pre_hook(lambda m, i: (log.append("pre2"), (i[0] * 2,))[1])
    lin.register_forward_hook(lambda m, i, o: log.append(f"fwd1 in={fmt(i[0].tolist(), 10)} out={fmt(o.tolist(), 10)}"))
    model.register_forward_hook(lambda m, i, o: log.append("seq fwd"))
    h5 = lin.register_full_backward_hook(backward)
    model[1].register_full_backward_hook(backward)
    x = torch.tensor([1.0, -1.0, 0.5], dtype=D, requires_grad=True)
    y = model(x)
    r = {"grad_fn": type(y.grad_fn).__name__, "next": type(y.grad_fn.next_functions[0][0]).__name__}
    y.sum().backward()
    r["log"] = list(log)
    r["x_grad"] = x.grad.tolist()
    log.clear()
    h2.remove()
    h5.remove()
    model(torch.tensor([1.0, -1.0, 0.5], dtype=D)).sum().backward()
    r["log_after_removal"] = list(log)

    class ProductPlusFirst(nn.Module):
        def forward(self, a, b):
            return a * b + a

    m = ProductPlusFirst()
    seen = {}

    def scale(mod, gi, go):
        seen["grad_input"] = [g.tolist() for g in gi]
        seen["grad_output"] = [g.tolist() for g in go]
        return (gi[0] * 2, gi[1] * 3)

    m.register_full_backward_hook(scale)
    a = torch.tensor([1.0, 2.0], dtype=D, requires_grad=True)
    b = torch.tensor([3.0, -1.0], dtype=D, requires_grad=True)
    y = m(a, b)
    (y * torch.tensor([1.0, 10.0], dtype=D)).sum().backward()
    r["two_inputs"] = dict(seen, a_grad=a.grad.tolist(), b_grad=b.grad.tolist(), next=type(y.grad_fn.next_functions[0][0]).__name__)

    # Forward hooks on every submodule of a 2-layer pre-norm TransformerEncoder (training mode, so no fast path) and of
    # a post-norm layer: the order they fire in, the number of inputs they see and the output's type (self_attn
    # returns a tuple; out_proj's hook never fires: MultiheadAttention uses its weights, not its forward).
    def hook_order(module, *args, **kwargs):
        log = []
        for name, sub in module.named_modules():
            if name:
                sub.register_forward_hook(lambda m, i, o, name=name: log.append([name, len(i), "tuple" if isinstance(o, tuple) else "Tensor"]))
        module(*args, **kwargs)
        return log

    torch.manual_seed(0)
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, batch_first=True, norm_first=True, dtype=D)
    encoder = torch.nn.TransformerEncoder(layer, 2, norm=torch.nn.LayerNorm(8, dtype=D), enable_nested_tensor=False)
    r["transformer_encoder_hook_order"] = hook_order(encoder, torch.randn(3, 5, 8, dtype=D),
                                                     mask=torch.nn.Transformer.generate_square_subsequent_mask(5).to(D))
    r["transformer_layer_hook_order"] = hook_order(torch.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, dtype=D), torch.randn(5, 3, 8, dtype=D))
    with open(os.path.join(sys.argv[1], "module_hooks.json"), "w") as fh:
        json.dump(r, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
