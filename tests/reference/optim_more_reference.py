"""Trajectories of NAdam and LBFGS (PyTorch 1.13) on optim_reference.py's objective, and SequentialLR's learning rates.

Usage: python3 optim_more_reference.py OUTPUT_DIR   (writes OUTPUT_DIR/optim_more.json, read by
tests/Backprop.Tests/Optim/NAdamTests.cs, LbfgsTests.cs and SequentialLRTests.cs)

NAdam runs under torch's default dtype (float32), as users run it: its "mu_product" state is torch.tensor(1.), a
float32 scalar whatever the parameters' dtype, and its rounding shows in the trajectory. (optim_reference.py sets the
default dtype to float64 at import; these cases set it back.)
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import optim_reference  # noqa: E402  (the objective, W0, b0 and run_optimizer)

import torch  # noqa: E402

NADAM_CASES = [
    {"name": "nadam_plain", "optimizer": "NAdam", "options": {"lr": 0.05}},
    {"name": "nadam_betas_eps_weight_decay", "optimizer": "NAdam",
     "options": {"lr": 0.05, "betas": [0.8, 0.9], "eps": 1e-4, "weight_decay": 0.2}},
    {"name": "nadam_momentum_decay", "optimizer": "NAdam", "options": {"lr": 0.03, "momentum_decay": 0.05}},
    {"name": "nadam_float32", "optimizer": "NAdam", "dtype": "float32", "options": {"lr": 0.05}},
]

LBFGS_STEPS = 5

# L-BFGS amplifies last-bit differences (a gradient rounded otherwise, a dot product summed in another order): with
# lr=0.1 and the full history, nudging W[0][0] by 1e-16 moves torch's own parameters by 1e-5 after two steps. These
# cases are ones where that nudge stays below 1e-10 relative over the five steps, so a 1e-9 comparison means something.
LBFGS_CASES = [
    {"name": "lbfgs_plain", "options": {"lr": 0.1, "max_iter": 5}},
    {"name": "lbfgs_short_history_max_iter", "options": {"lr": 0.2, "history_size": 3, "max_iter": 7}},
    {"name": "lbfgs_strong_wolfe", "options": {"lr": 1.0, "line_search_fn": "strong_wolfe"}},
    {"name": "lbfgs_strong_wolfe_history_3", "options": {"lr": 1.0, "line_search_fn": "strong_wolfe", "history_size": 3, "max_iter": 6}},
    {"name": "lbfgs_tolerances", "options": {"lr": 0.5, "tolerance_grad": 1e-3, "tolerance_change": 1e-4}},
    {"name": "lbfgs_float32_strong_wolfe", "dtype": "float32", "options": {"lr": 1.0, "line_search_fn": "strong_wolfe", "max_iter": 5}},
]


def run_lbfgs(case):
    """Each step(closure)'s returned loss, the parameters after it, and the state's func_evals and n_iter."""
    dtype = torch.float32 if case.get("dtype") == "float32" else torch.float64
    W, b = optim_reference.make(case["name"], dtype)
    opt = torch.optim.LBFGS([W, b], **case["options"])
    evaluations = [0]

    def closure():
        evaluations[0] += 1
        opt.zero_grad()
        loss = optim_reference.objective(W, b, dtype)
        loss.backward()
        return loss

    losses, trajectory, func_evals, n_iter = [], [], [], []
    for _ in range(LBFGS_STEPS):
        losses.append(float(opt.step(closure)))
        trajectory.append(W.detach().flatten().tolist() + b.detach().tolist())
        state = opt.state[W]
        func_evals.append(state["func_evals"])
        n_iter.append(state["n_iter"])
    return dict(case, losses=losses, trajectory=trajectory, func_evals=func_evals, n_iter=n_iter, closure_calls=evaluations[0])


SEQUENTIAL_CASES = [
    {"name": "warmup_then_exponential", "milestones": [5], "schedulers": [
        {"kind": "LinearLR", "start_factor": 0.1, "total_iters": 5}, {"kind": "ExponentialLR", "gamma": 0.9}]},
    {"name": "linear_cosine_step_two_groups", "two_groups": True, "milestones": [4, 14], "schedulers": [
        {"kind": "LinearLR", "start_factor": 0.25, "total_iters": 4},
        {"kind": "CosineAnnealingLR", "T_max": 10, "eta_min": 0.001},
        {"kind": "StepLR", "step_size": 3, "gamma": 0.5}]},
    {"name": "multistep_then_warm_restarts", "milestones": [6], "schedulers": [
        {"kind": "MultiStepLR", "milestones": [2, 4, 4], "gamma": 0.5},
        {"kind": "CosineAnnealingWarmRestarts", "T_0": 4, "T_mult": 2, "eta_min": 0.01}]},
    {"name": "exponential_then_multistep", "milestones": [3], "schedulers": [
        {"kind": "ExponentialLR", "gamma": 0.8}, {"kind": "MultiStepLR", "milestones": [5, 10], "gamma": 0.1}]},
]


def run_sequential(case):
    """Every group's lr after construction and after each of 30 steps."""
    p = torch.zeros(2, requires_grad=True)
    q = torch.zeros(2, requires_grad=True)
    if case.get("two_groups"):
        opt = torch.optim.SGD([{"params": [p]}, {"params": [q], "lr": 0.05}], lr=0.1, momentum=0.9)
    else:
        opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
    inner = []
    for s in case["schedulers"]:
        args = {k: v for k, v in s.items() if k != "kind"}
        inner.append(getattr(torch.optim.lr_scheduler, s["kind"])(opt, **args))
    sched = torch.optim.lr_scheduler.SequentialLR(opt, inner, milestones=case["milestones"])
    lrs = [[g["lr"] for g in opt.param_groups]]
    for _ in range(optim_reference.SCHEDULER_STEPS):
        p.grad = torch.ones(2)
        q.grad = torch.ones(2)
        opt.step()
        sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        assert sched.get_last_lr() == lrs[-1]
    return dict(case, lrs=lrs)


def main():
    import warnings
    warnings.simplefilter("ignore")   # SequentialLR's step(0) at a milestone warns of the deprecated epoch argument
    out = sys.argv[1]
    torch.set_default_dtype(torch.float32)
    nadam = [optim_reference.run_optimizer(c) for c in NADAM_CASES]
    torch.set_default_dtype(torch.float64)
    data = {"torch_version": torch.__version__,
            "nadam": nadam,
            "lbfgs_steps": LBFGS_STEPS,
            "lbfgs": [run_lbfgs(c) for c in LBFGS_CASES],
            "sequential": [run_sequential(c) for c in SEQUENTIAL_CASES]}
    with open(os.path.join(out, "optim_more.json"), "w") as f:
        json.dump(data, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
