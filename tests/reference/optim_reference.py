"""Reference trajectories for Backprop's optimizers, learning-rate schedulers and gradient clipping.

Usage: python3 optim_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/optim.json)

Every optimizer case minimises (or, with maximize, ascends) the same small deterministic objective
of a 2x3 weight W and a 2-vector bias b, with fixed x and t:

    f(W, b) = sum(((W * x).sum(1) + b - t)^2) + 0.1 * sum(W^4) + 0.05 * sum(sin(3 b))

(elementwise ops only; the quartic and sine terms make the gradient change every step).
For maximize cases the objective is -f, so ascent stays bounded. The parameter values after each
step are recorded, flattened W then b.
"""
import json
import math
import os
import sys

import torch

torch.set_default_dtype(torch.float64)

W0 = [[0.5, -0.3, 0.8], [-0.6, 0.2, 0.4]]
B0 = [0.1, -0.2]
X = [0.7, -1.2, 0.5]
T = [0.3, -0.8]
STEPS = 20


def objective(W, b, dtype):
    x = torch.tensor(X, dtype=dtype)
    t = torch.tensor(T, dtype=dtype)
    r = (W * x).sum(1) + b - t
    return (r ** 2).sum() + 0.1 * (W ** 4).sum() + 0.05 * torch.sin(b * 3).sum()


def make(name, dtype):
    W = torch.tensor(W0, dtype=dtype, requires_grad=True)
    b = torch.tensor(B0, dtype=dtype, requires_grad=True)
    return W, b


def run_optimizer(case):
    dtype = torch.float32 if case.get("dtype") == "float32" else torch.float64
    W, b = make(case["name"], dtype)
    cls = getattr(torch.optim, case["optimizer"])
    options = dict(case.get("options", {}))
    if "betas" in options:
        options["betas"] = tuple(options["betas"])
    if "groups" in case:
        groups = [dict(params=[W], **case["groups"][0]), dict(params=[b], **case["groups"][1])]
        for g in groups:
            if "betas" in g:
                g["betas"] = tuple(g["betas"])
        opt = cls(groups, **options)
    else:
        opt = cls([W, b], **options)
    sign = -1.0 if options.get("maximize", False) else 1.0
    trajectory = []
    for _ in range(STEPS):
        opt.zero_grad()
        loss = sign * objective(W, b, dtype)
        loss.backward()
        opt.step()
        trajectory.append(W.detach().flatten().tolist() + b.detach().tolist())
    case = dict(case)
    case["trajectory"] = trajectory
    return case


OPTIMIZER_CASES = [
    # SGD: every option that changes the update
    {"name": "sgd_plain", "optimizer": "SGD", "options": {"lr": 0.05}},
    {"name": "sgd_momentum", "optimizer": "SGD", "options": {"lr": 0.05, "momentum": 0.9}},
    {"name": "sgd_dampening", "optimizer": "SGD", "options": {"lr": 0.05, "momentum": 0.8, "dampening": 0.3}},
    {"name": "sgd_nesterov", "optimizer": "SGD", "options": {"lr": 0.05, "momentum": 0.9, "nesterov": True}},
    {"name": "sgd_weight_decay", "optimizer": "SGD", "options": {"lr": 0.05, "weight_decay": 0.1}},
    {"name": "sgd_momentum_weight_decay", "optimizer": "SGD", "options": {"lr": 0.05, "momentum": 0.7, "weight_decay": 0.2}},
    {"name": "sgd_maximize", "optimizer": "SGD", "options": {"lr": 0.05, "momentum": 0.5, "maximize": True}},
    {"name": "sgd_nesterov_weight_decay_maximize", "optimizer": "SGD",
     "options": {"lr": 0.03, "momentum": 0.6, "nesterov": True, "weight_decay": 0.05, "maximize": True}},
    {"name": "sgd_groups", "optimizer": "SGD", "options": {"lr": 0.05, "momentum": 0.9},
     "groups": [{"lr": 0.02}, {"momentum": 0.0, "weight_decay": 0.1}]},
    {"name": "sgd_momentum_float32", "optimizer": "SGD", "dtype": "float32", "options": {"lr": 0.05, "momentum": 0.9}},
    # Adam
    {"name": "adam_plain", "optimizer": "Adam", "options": {"lr": 0.05}},
    {"name": "adam_betas_eps", "optimizer": "Adam", "options": {"lr": 0.03, "betas": [0.8, 0.95], "eps": 1e-3}},
    {"name": "adam_weight_decay", "optimizer": "Adam", "options": {"lr": 0.05, "weight_decay": 0.1}},
    {"name": "adam_amsgrad", "optimizer": "Adam", "options": {"lr": 0.05, "amsgrad": True}},
    {"name": "adam_maximize", "optimizer": "Adam", "options": {"lr": 0.05, "maximize": True}},
    {"name": "adam_amsgrad_weight_decay_maximize", "optimizer": "Adam",
     "options": {"lr": 0.02, "amsgrad": True, "weight_decay": 0.3, "maximize": True}},
    {"name": "adam_groups", "optimizer": "Adam", "options": {"lr": 0.05},
     "groups": [{"betas": [0.5, 0.9]}, {"lr": 0.01, "amsgrad": True}]},
    {"name": "adam_float32", "optimizer": "Adam", "dtype": "float32", "options": {"lr": 0.05}},
    # AdamW
    {"name": "adamw_plain", "optimizer": "AdamW", "options": {"lr": 0.05}},
    {"name": "adamw_weight_decay", "optimizer": "AdamW", "options": {"lr": 0.05, "weight_decay": 0.5}},
    {"name": "adamw_amsgrad", "optimizer": "AdamW", "options": {"lr": 0.05, "amsgrad": True}},
    {"name": "adamw_maximize", "optimizer": "AdamW", "options": {"lr": 0.05, "maximize": True}},
    {"name": "adamw_float32", "optimizer": "AdamW", "dtype": "float32", "options": {"lr": 0.05, "amsgrad": True}},
    # RMSprop
    {"name": "rmsprop_plain", "optimizer": "RMSprop", "options": {"lr": 0.01}},
    {"name": "rmsprop_alpha_eps", "optimizer": "RMSprop", "options": {"lr": 0.01, "alpha": 0.9, "eps": 1e-4}},
    {"name": "rmsprop_momentum", "optimizer": "RMSprop", "options": {"lr": 0.01, "momentum": 0.9}},
    {"name": "rmsprop_centered", "optimizer": "RMSprop", "options": {"lr": 0.01, "centered": True}},
    {"name": "rmsprop_weight_decay", "optimizer": "RMSprop", "options": {"lr": 0.01, "weight_decay": 0.2}},
    {"name": "rmsprop_centered_momentum_weight_decay", "optimizer": "RMSprop",
     "options": {"lr": 0.005, "centered": True, "momentum": 0.5, "weight_decay": 0.1}},
    {"name": "rmsprop_maximize", "optimizer": "RMSprop", "options": {"lr": 0.01, "maximize": True}},
    {"name": "rmsprop_float32", "optimizer": "RMSprop", "dtype": "float32", "options": {"lr": 0.01, "centered": True, "momentum": 0.5}},
    # Adagrad
    {"name": "adagrad_plain", "optimizer": "Adagrad", "options": {"lr": 0.1}},
    {"name": "adagrad_lr_decay", "optimizer": "Adagrad", "options": {"lr": 0.1, "lr_decay": 0.05}},
    {"name": "adagrad_weight_decay", "optimizer": "Adagrad", "options": {"lr": 0.1, "weight_decay": 0.2}},
    {"name": "adagrad_initial_accumulator", "optimizer": "Adagrad", "options": {"lr": 0.1, "initial_accumulator_value": 0.5, "eps": 1e-6}},
    {"name": "adagrad_maximize", "optimizer": "Adagrad", "options": {"lr": 0.1, "maximize": True}},
    {"name": "adagrad_float32", "optimizer": "Adagrad", "dtype": "float32", "options": {"lr": 0.1, "lr_decay": 0.01}},
]


SCHEDULER_STEPS = 30


def run_scheduler(case):
    """lr (and OneCycleLR's momentum) of every group after construction and after each step."""
    p = torch.zeros(2, requires_grad=True)
    q = torch.zeros(2, requires_grad=True)
    opt_options = case.get("optimizer_options", {"lr": 0.1, "momentum": 0.9})
    cls = getattr(torch.optim, case.get("optimizer", "SGD"))
    if case.get("two_groups"):
        opt = cls([{"params": [p]}, {"params": [q], "lr": opt_options["lr"] * 0.5}], **opt_options)
    else:
        opt = cls([p], **opt_options)
    scheds = []
    for s in case["schedulers"]:
        kind = s["kind"]
        args = {k: v for k, v in s.items() if k != "kind"}
        scheds.append(getattr(torch.optim.lr_scheduler, kind)(opt, **args))
    steps = case.get("steps", SCHEDULER_STEPS)
    metrics = case.get("metrics")
    lrs = [[g["lr"] for g in opt.param_groups]]
    momenta = [[momentum_of(g) for g in opt.param_groups]]
    for i in range(steps):
        p.grad = torch.ones(2)
        q.grad = torch.ones(2)
        opt.step()
        for s in scheds:
            if metrics is not None:
                s.step(metrics[i])
            else:
                s.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        momenta.append([momentum_of(g) for g in opt.param_groups])
        if not isinstance(scheds[-1], torch.optim.lr_scheduler.ReduceLROnPlateau):
            assert scheds[-1].get_last_lr() == lrs[-1]
    case = dict(case)
    case["lrs"] = lrs
    if any(s["kind"] == "OneCycleLR" for s in case["schedulers"]):
        case["momenta"] = momenta
    return case


def momentum_of(group):
    return group["betas"][0] if "betas" in group else group.get("momentum", 0.0)


PLATEAU_METRICS = [1.0, 0.9, 0.9, 0.95, 0.91, 0.9, 0.85, 0.86, 0.86, 0.86,
                   0.86, 0.85, 0.7, 0.71, 0.72, 0.73, 0.74, 0.69, 0.69, 0.69,
                   0.6999, 0.68, 0.68, 0.68, 0.68, 0.68, 0.68, 0.68, 0.68, 0.5]
PLATEAU_MAX_METRICS = [0.1, 0.2, 0.2, 0.2, 0.205, 0.3, 0.3, 0.3, 0.3, 0.3,
                       0.31, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.5,
                       0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]

SCHEDULER_CASES = [
    {"name": "step_lr", "schedulers": [{"kind": "StepLR", "step_size": 7, "gamma": 0.5}]},
    {"name": "step_lr_two_groups", "two_groups": True, "schedulers": [{"kind": "StepLR", "step_size": 3}]},
    {"name": "multi_step_lr", "schedulers": [{"kind": "MultiStepLR", "milestones": [5, 12, 12, 20], "gamma": 0.3}]},
    {"name": "exponential_lr", "schedulers": [{"kind": "ExponentialLR", "gamma": 0.9}]},
    {"name": "cosine_annealing_lr", "schedulers": [{"kind": "CosineAnnealingLR", "T_max": 10, "eta_min": 0.001}]},
    {"name": "cosine_annealing_lr_two_groups", "two_groups": True, "schedulers": [{"kind": "CosineAnnealingLR", "T_max": 7}]},
    {"name": "linear_lr_warmup", "schedulers": [{"kind": "LinearLR", "start_factor": 0.25, "total_iters": 8}]},
    {"name": "linear_lr_decay", "schedulers": [{"kind": "LinearLR", "start_factor": 1.0, "end_factor": 0.1, "total_iters": 10}]},
    {"name": "linear_then_exponential_chained", "schedulers": [
        {"kind": "LinearLR", "start_factor": 0.5, "total_iters": 4}, {"kind": "ExponentialLR", "gamma": 0.95}]},
    {"name": "one_cycle_cos", "steps": 30, "schedulers": [{"kind": "OneCycleLR", "max_lr": 1.0, "total_steps": 30}]},
    {"name": "one_cycle_linear_three_phase", "steps": 30, "two_groups": True, "schedulers": [
        {"kind": "OneCycleLR", "max_lr": [1.0, 0.5], "total_steps": 31, "anneal_strategy": "linear", "three_phase": True,
         "pct_start": 0.25, "div_factor": 10.0, "final_div_factor": 100.0, "base_momentum": 0.8, "max_momentum": 0.9}]},
    {"name": "one_cycle_adam_epochs", "steps": 24, "optimizer": "Adam", "optimizer_options": {"lr": 0.001},
     "schedulers": [{"kind": "OneCycleLR", "max_lr": 0.01, "epochs": 4, "steps_per_epoch": 6, "pct_start": 0.4}]},
    {"name": "one_cycle_no_momentum", "steps": 20, "schedulers": [
        {"kind": "OneCycleLR", "max_lr": 0.3, "total_steps": 20, "cycle_momentum": False}]},
    {"name": "plateau_min_rel", "metrics": PLATEAU_METRICS, "schedulers": [
        {"kind": "ReduceLROnPlateau", "factor": 0.5, "patience": 2}]},
    {"name": "plateau_min_abs_cooldown_min_lr", "metrics": PLATEAU_METRICS, "two_groups": True, "schedulers": [
        {"kind": "ReduceLROnPlateau", "factor": 0.2, "patience": 1, "threshold": 0.01, "threshold_mode": "abs",
         "cooldown": 2, "min_lr": [0.002, 0.001]}]},
    {"name": "plateau_max_rel_eps", "metrics": PLATEAU_MAX_METRICS, "schedulers": [
        {"kind": "ReduceLROnPlateau", "mode": "max", "factor": 0.5, "patience": 0, "threshold": 0.1,
         "min_lr": 0.01, "eps": 0.02}]},
    {"name": "plateau_max_abs", "metrics": PLATEAU_MAX_METRICS, "schedulers": [
        {"kind": "ReduceLROnPlateau", "mode": "max", "factor": 0.7, "patience": 3, "threshold_mode": "abs",
         "threshold": 0.05}]},
]


GRADS = [
    ([[0.3, -1.2, 2.5], [0.0, 0.7, -0.4]], [2, 3]),
    ([1.5, -0.25], [2]),
    ([[-3.0]], [1, 1]),
]


def run_clip(case):
    dtype = torch.float32 if case.get("dtype") == "float32" else torch.float64
    params = []
    for values, shape in GRADS:
        p = torch.zeros(shape, dtype=dtype, requires_grad=True)
        p.grad = torch.tensor(values, dtype=dtype).reshape(shape)
        params.append(p)
    case = dict(case)
    if case["kind"] == "norm":
        total = torch.nn.utils.clip_grad_norm_(params, case["max_norm"], case["norm_type"])
        case["total_norm"] = total.item()
    else:
        torch.nn.utils.clip_grad_value_(params, case["clip_value"])
    case["grads"] = [p.grad.flatten().tolist() for p in params]
    return case


CLIP_CASES = [
    {"name": "norm2_clipped", "kind": "norm", "max_norm": 1.0, "norm_type": 2.0},
    {"name": "norm2_not_clipped", "kind": "norm", "max_norm": 100.0, "norm_type": 2.0},
    {"name": "norm1_clipped", "kind": "norm", "max_norm": 2.0, "norm_type": 1.0},
    {"name": "norm3_clipped", "kind": "norm", "max_norm": 0.5, "norm_type": 3.0},
    {"name": "norm_half", "kind": "norm", "max_norm": 5.0, "norm_type": 0.5},
    {"name": "norm_inf_clipped", "kind": "norm", "max_norm": 1.0, "norm_type": "inf"},
    {"name": "norm2_float32", "kind": "norm", "max_norm": 1.0, "norm_type": 2.0, "dtype": "float32"},
    {"name": "value_clipped", "kind": "value", "clip_value": 0.5},
    {"name": "value_float32", "kind": "value", "clip_value": 1.0, "dtype": "float32"},
]


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    clip_cases = []
    for c in CLIP_CASES:
        c = dict(c)
        if c.get("norm_type") == "inf":
            c["norm_type"] = math.inf
        r = run_clip(c)
        if r.get("norm_type") == math.inf:
            r["norm_type"] = "inf"
        clip_cases.append(r)
    data = {
        "torch_version": torch.__version__,
        "problem": {"W0": W0, "b0": B0, "x": X, "t": T, "steps": STEPS},
        "optimizers": [run_optimizer(c) for c in OPTIMIZER_CASES],
        "schedulers": [run_scheduler(c) for c in SCHEDULER_CASES],
        "clip": clip_cases,
        "clip_grads": [{"values": v, "shape": s} for v, s in GRADS],
    }
    path = os.path.join(out, "optim.json")
    with open(path, "w") as f:
        json.dump(data, f, indent=None, separators=(",", ":"))
        f.write("\n")
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
