"""Reference values for Backprop's losses and layers (torch.nn / torch.nn.functional, PyTorch 1.13).

Usage: python3 nn_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/nn_losses.json and OUTPUT_DIR/nn_layers.json)

nn_losses.json: one case per loss, dtype and option combination: the inputs, the loss, and the gradients of
the loss with respect to the input (and the target, where torch differentiates it). Reduction 'none' is
backpropagated with a fixed upstream gradient (grad_output), the reduced losses with 1.
nn_layers.json: nn.Linear's default initialisation and its forward/backward, torch.nn.init under a seed,
Dropout's masks, Embedding's initialisation.
Inputs are drawn from a seeded generator and stored as the values the tests must use (float32 cases store the
float32 values), so the C# side never draws them itself.
"""
import json
import math
import os
import sys
import warnings

import torch
import torch.nn as nn
import torch.nn.functional as F

warnings.filterwarnings("ignore")
DTYPES = {"float64": torch.float64, "float32": torch.float32}


def number(v):
    """JSON has no NaN or infinities: those are written as the strings .NET parses ("NaN", "Infinity", "-Infinity")."""
    v = float(v)
    return v if math.isfinite(v) else ("NaN" if math.isnan(v) else ("Infinity" if v > 0 else "-Infinity"))


def values(t):
    return [number(v) for v in t.detach().flatten().tolist()]


def packed(t):
    return {"shape": list(t.shape), "values": values(t) if t.dtype.is_floating_point else [int(v) for v in t.flatten().tolist()]}


gen = torch.Generator().manual_seed(1234)


def randn(*shape, scale=1.0):
    return (torch.randn(*shape, generator=gen, dtype=torch.float64) * scale)


def rand(*shape, low=0.0, high=1.0):
    return torch.rand(*shape, generator=gen, dtype=torch.float64) * (high - low) + low


# Fixed inputs, shared by the cases of a family.
REG_X, REG_T = randn(3, 4, scale=1.2), randn(3, 4, scale=0.8)
REG_T_ROW = randn(4, scale=0.8)                                   # broadcast target
PROB_X = rand(3, 4, low=0.05, high=0.95)                          # BCE inputs in (0, 1)
PROB_T = rand(3, 4)
PROB_EDGE_X = torch.tensor([[0.0, 0.3, 1.0, 1e-50], [0.999, 0.5, 1.0, 0.0]], dtype=torch.float64)
PROB_EDGE_T = torch.tensor([[0.2, 0.5, 0.7, 0.0], [1.0, 1.0, 1.0, 1.0]], dtype=torch.float64)
LOGIT_X = randn(3, 4, scale=2.0)
W4 = torch.tensor([0.5, 1.5, 2.0, 0.25], dtype=torch.float64)
POS_W4 = torch.tensor([3.0, 0.5, 1.0, 2.0], dtype=torch.float64)
CE_X = randn(5, 4, scale=1.5)
CE_T = torch.tensor([1, 0, 3, 3, 2])
CE_T_IGN = torch.tensor([1, -100, 3, 2, -100])
CE_T_ALL_IGN = torch.full((5,), -100, dtype=torch.long)
CE_T_IGN1 = torch.tensor([1, 1, 3, 0, 1])                         # ignore_index=1 (a real class)
CE_X_ND = randn(2, 3, 2, 2, scale=1.5)
CE_T_ND = torch.tensor([[[0, 2], [1, 1]], [[2, -100], [0, 2]]])
CE_X_ND3 = randn(2, 3, 4, scale=1.5)
CE_T_ND3 = torch.tensor([[0, 2, 1, 1], [2, 0, 0, 2]])
CE_X_1D = randn(4, scale=1.5)
CE_T_1D = torch.tensor(2)
CE_P = torch.softmax(randn(5, 4), 1)                              # probabilities summing to one
CE_P_LOOSE = rand(5, 4)                                           # do not sum to one
KL_X = torch.log_softmax(randn(3, 4), 1)
KL_T = torch.softmax(randn(3, 4), 1)
KL_T_LOG = torch.log_softmax(randn(3, 4), 1)
KL_T_ZERO = torch.tensor([[0.0, 0.5, 0.5, 0.0], [0.25, 0.25, 0.25, 0.25], [0.0, 0.0, 1.0, 0.0]], dtype=torch.float64)


def grad_output_like(shape, dtype):
    n = 1
    for s in shape:
        n *= s
    return torch.linspace(0.5, 1.7, max(n, 1), dtype=dtype)[:n].reshape(shape)


def loss_case(name, fn, x, t, dtype="float64", target_grad=False, **options):
    dt = DTYPES[dtype]
    x = x.to(dt).detach().requires_grad_()
    t = t.to(dt) if t.dtype.is_floating_point else t
    if target_grad:
        t = t.detach().requires_grad_()
    kwargs = dict(options)
    for key in ("weight", "pos_weight"):
        if key in kwargs:
            kwargs[key] = kwargs[key].to(dt)
    loss = getattr(F, fn)(x, t, **kwargs)
    go = grad_output_like(list(loss.shape), dt) if loss.dim() > 0 else None
    loss.backward(go)
    case = {"name": name, "fn": fn, "dtype": dtype, "input": packed(x), "target": packed(t),
            "options": {k: (values(v) if torch.is_tensor(v) else v) for k, v in options.items()},
            "loss": packed(loss), "grad_output": values(go) if go is not None else None,
            "grad_input": values(x.grad), "grad_target": values(t.grad) if target_grad else None}
    if "pos_weight" in options:
        case["options"]["pos_weight_shape"] = list(options["pos_weight"].shape)
    return case


def loss_cases():
    cases = []
    for red in ("none", "mean", "sum"):
        cases.append(loss_case(f"mse_{red}", "mse_loss", REG_X, REG_T, target_grad=True, reduction=red))
        cases.append(loss_case(f"l1_{red}", "l1_loss", REG_X, REG_T, target_grad=True, reduction=red))
        for beta in (1.0, 0.5, 0.0):
            cases.append(loss_case(f"smooth_l1_beta{beta}_{red}", "smooth_l1_loss", REG_X, REG_T, target_grad=True, reduction=red, beta=beta))
        for delta in (1.0, 0.3):
            cases.append(loss_case(f"huber_delta{delta}_{red}", "huber_loss", REG_X, REG_T, target_grad=True, reduction=red, delta=delta))
        cases.append(loss_case(f"bce_{red}", "binary_cross_entropy", PROB_X, PROB_T, target_grad=True, reduction=red))
        cases.append(loss_case(f"bce_weight_{red}", "binary_cross_entropy", PROB_X, PROB_T, target_grad=True, reduction=red, weight=W4))
        cases.append(loss_case(f"bce_logits_{red}", "binary_cross_entropy_with_logits", LOGIT_X, PROB_T, target_grad=True, reduction=red))
        cases.append(loss_case(f"bce_logits_weight_pos_weight_{red}", "binary_cross_entropy_with_logits", LOGIT_X, PROB_T,
                               target_grad=True, reduction=red, weight=W4, pos_weight=POS_W4))
        cases.append(loss_case(f"ce_{red}", "cross_entropy", CE_X, CE_T, reduction=red))
        cases.append(loss_case(f"ce_weight_ignore_{red}", "cross_entropy", CE_X, CE_T_IGN, reduction=red, weight=W4))
        cases.append(loss_case(f"ce_smoothing_{red}", "cross_entropy", CE_X, CE_T, reduction=red, label_smoothing=0.2))
        cases.append(loss_case(f"ce_smoothing_weight_ignore_{red}", "cross_entropy", CE_X, CE_T_IGN, reduction=red,
                               weight=W4, label_smoothing=0.15))
        cases.append(loss_case(f"ce_nd_{red}", "cross_entropy", CE_X_ND, CE_T_ND, reduction=red, weight=W4[:3]))
        cases.append(loss_case(f"ce_probs_{red}", "cross_entropy", CE_X, CE_P, target_grad=True, reduction=red))
        cases.append(loss_case(f"ce_probs_loose_weight_smoothing_{red}", "cross_entropy", CE_X, CE_P_LOOSE, target_grad=True,
                               reduction=red, weight=W4, label_smoothing=0.1))
        cases.append(loss_case(f"nll_weight_ignore_{red}", "nll_loss", CE_X, CE_T_IGN1, reduction=red, weight=W4, ignore_index=1))
        for log_target in (False, True):
            cases.append(loss_case(f"kl_div_log_target_{log_target}_{red}", "kl_div", KL_X, KL_T_LOG if log_target else KL_T,
                                   target_grad=True, reduction=red, log_target=log_target))
    cases += [
        loss_case("mse_broadcast_target_mean", "mse_loss", REG_X, REG_T_ROW, target_grad=True),
        loss_case("bce_edges_sum", "binary_cross_entropy", PROB_EDGE_X, PROB_EDGE_T, reduction="sum"),
        loss_case("bce_logits_pos_weight_mean", "binary_cross_entropy_with_logits", LOGIT_X, PROB_T, target_grad=True, pos_weight=POS_W4),
        loss_case("bce_logits_pos_weight_column_none", "binary_cross_entropy_with_logits", LOGIT_X, PROB_T, reduction="none",
                  pos_weight=POS_W4[:3].reshape(3, 1)),
        loss_case("ce_all_ignored_mean", "cross_entropy", CE_X, CE_T_ALL_IGN),
        loss_case("ce_all_ignored_weight_mean", "cross_entropy", CE_X, CE_T_ALL_IGN, weight=W4),
        loss_case("ce_all_ignored_sum", "cross_entropy", CE_X, CE_T_ALL_IGN, reduction="sum"),
        loss_case("ce_all_ignored_smoothing_mean", "cross_entropy", CE_X, CE_T_ALL_IGN, label_smoothing=0.1),
        loss_case("ce_nd3_smoothing_mean", "cross_entropy", CE_X_ND3, CE_T_ND3, label_smoothing=0.3),
        loss_case("ce_unbatched_mean", "cross_entropy", CE_X_1D, CE_T_1D),
        loss_case("ce_probs_nd_mean", "cross_entropy", CE_X_ND, torch.softmax(CE_X_ND * 0.3 + 0.1, 1), target_grad=True),
        loss_case("nll_all_ignored_mean", "nll_loss", CE_X, CE_T_ALL_IGN),
        loss_case("nll_plain_mean", "nll_loss", CE_X, CE_T),
        loss_case("kl_div_batchmean", "kl_div", KL_X, KL_T, target_grad=True, reduction="batchmean"),
        loss_case("kl_div_log_target_batchmean", "kl_div", KL_X, KL_T_LOG, target_grad=True, reduction="batchmean", log_target=True),
        loss_case("kl_div_zero_targets_sum", "kl_div", KL_X, KL_T_ZERO, reduction="sum"),
    ]
    # Float32: a representative subset, inputs rounded to float32.
    f32 = [
        ("mse_mean", "mse_loss", REG_X, REG_T, True, dict(reduction="mean")),
        ("smooth_l1_beta0.5_none", "smooth_l1_loss", REG_X, REG_T, True, dict(reduction="none", beta=0.5)),
        ("huber_delta0.3_sum", "huber_loss", REG_X, REG_T, True, dict(reduction="sum", delta=0.3)),
        ("l1_mean", "l1_loss", REG_X, REG_T, True, dict()),
        ("bce_weight_mean", "binary_cross_entropy", PROB_X, PROB_T, True, dict(weight=W4)),
        ("bce_logits_weight_pos_weight_sum", "binary_cross_entropy_with_logits", LOGIT_X, PROB_T, True,
         dict(reduction="sum", weight=W4, pos_weight=POS_W4)),
        ("ce_weight_ignore_mean", "cross_entropy", CE_X, CE_T_IGN, False, dict(weight=W4)),
        ("ce_smoothing_weight_ignore_mean", "cross_entropy", CE_X, CE_T_IGN, False, dict(weight=W4, label_smoothing=0.15)),
        ("ce_probs_loose_none", "cross_entropy", CE_X, CE_P_LOOSE, True, dict(reduction="none")),
        ("nll_weight_ignore_sum", "nll_loss", CE_X, CE_T_IGN1, False, dict(reduction="sum", weight=W4, ignore_index=1)),
        ("kl_div_batchmean", "kl_div", KL_X, KL_T, True, dict(reduction="batchmean")),
    ]
    for name, fn, x, t, tg, opts in f32:
        cases.append(loss_case("f32_" + name, fn, x, t, dtype="float32", target_grad=tg, **opts))
    return cases


def linear_cases():
    out = []
    for seed, (fin, fout), dtype in ((0, (3, 2), "float32"), (42, (3, 2), "float32"), (0, (5, 4), "float32"),
                                     (42, (20, 3), "float32"), (0, (3, 3), "float64")):
        torch.manual_seed(seed)
        lin = nn.Linear(fin, fout, dtype=DTYPES[dtype])
        out.append({"seed": seed, "in": fin, "out": fout, "dtype": dtype,
                    "weight": values(lin.weight), "bias": values(lin.bias), "next_rand": float(torch.rand(1))})
    torch.manual_seed(7)
    nobias = nn.Linear(4, 2, bias=False)
    out.append({"seed": 7, "in": 4, "out": 2, "dtype": "float32", "weight": values(nobias.weight), "bias": None,
                "next_rand": float(torch.rand(1))})
    return out


def linear_forward():
    w = randn(3, 4)
    b = randn(3)
    x = randn(2, 2, 4)
    cases = []
    for dtype in ("float64", "float32"):
        dt = DTYPES[dtype]
        W, B, X = (t.detach().to(dt).requires_grad_() for t in (w, b, x))
        y = F.linear(X, W, B)
        go = grad_output_like(list(y.shape), dt)
        y.backward(go)
        cases.append({"dtype": dtype, "weight": packed(W), "bias": packed(B), "input": packed(X), "output": packed(y),
                      "grad_output": values(go), "grad_weight": values(W.grad), "grad_bias": values(B.grad), "grad_input": values(X.grad)})
    return cases


def init_cases():
    init = nn.init
    cases = []

    def case(name, shape, dtype, seed, f, **params):
        torch.manual_seed(seed)
        t = torch.empty(*shape, dtype=DTYPES[dtype])
        f(t)
        cases.append({"name": name, "shape": list(shape), "dtype": dtype, "seed": seed, "params": params, "values": values(t)})

    case("uniform", (3, 4), "float32", 0, lambda t: init.uniform_(t, -2.0, 3.0), a=-2.0, b=3.0)
    case("normal", (3, 4), "float32", 0, lambda t: init.normal_(t, 1.0, 0.5), mean=1.0, std=0.5)
    case("normal_large", (4, 5), "float64", 3, lambda t: init.normal_(t, -1.0, 2.0), mean=-1.0, std=2.0)
    case("xavier_uniform", (4, 5), "float32", 0, lambda t: init.xavier_uniform_(t, gain=2.0), gain=2.0)
    case("xavier_normal", (3, 2, 2, 2), "float32", 42, lambda t: init.xavier_normal_(t, gain=0.5), gain=0.5)
    case("kaiming_uniform", (4, 3), "float32", 0, lambda t: init.kaiming_uniform_(t), a=0.0, mode="fan_in", nonlinearity="leaky_relu")
    case("kaiming_uniform_fan_out_relu", (2, 3, 3), "float64", 42,
         lambda t: init.kaiming_uniform_(t, mode="fan_out", nonlinearity="relu"), a=0.0, mode="fan_out", nonlinearity="relu")
    case("kaiming_normal", (5, 4), "float32", 0, lambda t: init.kaiming_normal_(t, a=0.2), a=0.2, mode="fan_in", nonlinearity="leaky_relu")
    case("kaiming_normal_fan_out_tanh", (3, 2, 2), "float32", 42,
         lambda t: init.kaiming_normal_(t, mode="fan_out", nonlinearity="tanh"), a=0.0, mode="fan_out", nonlinearity="tanh")
    gains = {"linear": init.calculate_gain("linear"), "conv2d": init.calculate_gain("conv2d"), "sigmoid": init.calculate_gain("sigmoid"),
             "tanh": init.calculate_gain("tanh"), "relu": init.calculate_gain("relu"), "leaky_relu": init.calculate_gain("leaky_relu"),
             "leaky_relu_0.2": init.calculate_gain("leaky_relu", 0.2), "leaky_relu_sqrt5": init.calculate_gain("leaky_relu", math.sqrt(5)),
             "selu": init.calculate_gain("selu")}
    return cases, gains


def dropout_cases():
    cases = []
    for seed, p, shape, dtype in ((0, 0.3, (2, 5), "float32"), (42, 0.5, (3, 4), "float64"), (7, 0.9, (20,), "float32")):
        x = (torch.arange(1, 1 + math.prod(shape), dtype=DTYPES[dtype]) * 0.25).reshape(shape).requires_grad_()
        torch.manual_seed(seed)
        y = nn.Dropout(p)(x)
        y.backward(torch.ones_like(y))
        cases.append({"seed": seed, "p": p, "shape": list(shape), "dtype": dtype, "input": values(x), "output": values(y),
                      "grad_input": values(x.grad)})
    return cases


def embedding_cases():
    cases = []
    for seed, num, dim, pad in ((0, 5, 3, None), (42, 4, 5, 1), (3, 6, 2, -1)):
        torch.manual_seed(seed)
        emb = nn.Embedding(num, dim, padding_idx=pad)
        idx = torch.tensor([[0, 1, 3], [1, 1, 2]])
        y = emb(idx)
        y.backward(grad_output_like(list(y.shape), torch.float32))
        cases.append({"seed": seed, "num": num, "dim": dim, "padding_idx": pad, "weight": values(emb.weight),
                      "indices": packed(idx), "output": values(y), "grad_weight": values(emb.weight.grad)})
    return cases


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    os.makedirs(out, exist_ok=True)
    losses = loss_cases()
    with open(os.path.join(out, "nn_losses.json"), "w") as f:
        f.write('{"torch": "%s", "cases": [\n' % torch.__version__)
        f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in losses))
        f.write("\n]}\n")
    inits, gains = init_cases()
    layers = {"torch": torch.__version__, "linear_init": linear_cases(), "linear_forward": linear_forward(),
              "init": inits, "gains": gains, "dropout": dropout_cases(), "embedding": embedding_cases()}
    with open(os.path.join(out, "nn_layers.json"), "w") as f:
        json.dump(layers, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
