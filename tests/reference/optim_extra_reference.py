"""Trajectories of RAdam and Adamax (PyTorch 1.13) on optim_reference.py's objective, 20 steps each; the learning
rates of CosineAnnealingWarmRestarts (optim_reference.py's scheduler runs), of a per-group LambdaLR, and CyclicLR's
learning rates and momenta.

Usage: python3 optim_extra_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/optim_extra.json; the same case format as
optim.json's "optimizers", read by tests/Backprop.Tests/Optim/OptimizerExtraTrajectoryTests.cs)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optim_reference  # noqa: E402  (the objective, W0, b0 and run_optimizer)

CASES = [
    {"name": "radam_plain", "optimizer": "RAdam", "options": {"lr": 0.05}},
    {"name": "radam_betas_eps_weight_decay", "optimizer": "RAdam", "options": {"lr": 0.05, "betas": [0.5, 0.7], "eps": 1e-4, "weight_decay": 0.2}},
    {"name": "radam_float32", "optimizer": "RAdam", "dtype": "float32", "options": {"lr": 0.05, "betas": [0.6, 0.8]}},
    {"name": "adamax_plain", "optimizer": "Adamax", "options": {"lr": 0.05}},
    {"name": "adamax_betas_weight_decay", "optimizer": "Adamax", "options": {"lr": 0.05, "betas": [0.8, 0.9], "weight_decay": 0.3, "eps": 1e-3}},
    {"name": "adamax_maximize", "optimizer": "Adamax", "options": {"lr": 0.05, "maximize": True}},
    {"name": "adamax_float32", "optimizer": "Adamax", "dtype": "float32", "options": {"lr": 0.05}},
]


SCHEDULER_CASES = [
    {"name": "warm_restarts", "schedulers": [{"kind": "CosineAnnealingWarmRestarts", "T_0": 4}]},
    {"name": "warm_restarts_mult_eta_min_two_groups", "two_groups": True,
     "schedulers": [{"kind": "CosineAnnealingWarmRestarts", "T_0": 3, "T_mult": 2, "eta_min": 0.01}]},
]


def lambda_lr():
    """LambdaLR with 0.95^epoch for the first group and 1/(1 + epoch) for the second (functions are not JSON)."""
    import torch
    p, q = torch.zeros(2, requires_grad=True), torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.05}], lr=0.1, momentum=0.9)
    s = torch.optim.lr_scheduler.LambdaLR(opt, [lambda e: 0.95 ** e, lambda e: 1 / (1 + e)])
    lrs = [[g["lr"] for g in opt.param_groups]]
    for _ in range(optim_reference.SCHEDULER_STEPS):
        opt.step()
        s.step()
        lrs.append([g["lr"] for g in opt.param_groups])
    return {"name": "lambda_lr_per_group", "lrs": lrs}


CYCLIC_CASES = [
    {"name": "cyclic_triangular", "kwargs": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 4}},
    {"name": "cyclic_triangular2_asymmetric", "kwargs": {"base_lr": 0.01, "max_lr": 0.1, "step_size_up": 3, "step_size_down": 5, "mode": "triangular2"}},
    {"name": "cyclic_exp_range_momentum", "kwargs": {"base_lr": 0.02, "max_lr": 0.2, "step_size_up": 5, "mode": "exp_range", "gamma": 0.97,
                                                     "base_momentum": 0.7, "max_momentum": 0.95}},
    {"name": "cyclic_no_momentum", "kwargs": {"base_lr": 0.01, "max_lr": 0.05, "step_size_up": 2, "cycle_momentum": False}},
]


def cyclic(case):
    """CyclicLR's learning rates and SGD momenta after construction and after each of 30 steps."""
    import torch
    p = torch.zeros(2, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    s = torch.optim.lr_scheduler.CyclicLR(opt, **case["kwargs"])
    lrs, momenta = [[g["lr"] for g in opt.param_groups]], [[g["momentum"] for g in opt.param_groups]]
    for _ in range(optim_reference.SCHEDULER_STEPS):
        p.grad = torch.ones(2)
        opt.step()
        s.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        momenta.append([g["momentum"] for g in opt.param_groups])
    return dict(case, lrs=lrs, momenta=momenta)


def main():
    out = sys.argv[1]
    data = {"optimizers": [optim_reference.run_optimizer(c) for c in CASES],
            "schedulers": [optim_reference.run_scheduler(c) for c in SCHEDULER_CASES],
            "lambda_lr": lambda_lr(),
            "cyclic": [cyclic(c) for c in CYCLIC_CASES]}
    with open(os.path.join(out, "optim_extra.json"), "w") as f:
        json.dump(data, f, separators=(",", ":"))


if __name__ == "__main__":
    main()
