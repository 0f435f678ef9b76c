namespace Backprop.Optim;

/// <summary>
/// L-BFGS: quasi-Newton steps from the last historySize curvature pairs (s, y), each step taken with a fixed length
/// (lr) or a strong-Wolfe line search; up to maxIter iterations per <see cref="Step(Func{Tensor})"/>, which needs a
/// closure that zeroes the gradients, computes the loss, calls Backward and returns it. One parameter group only; the
/// whole history lives in the state of the first parameter (as PyTorch keeps it). As PyTorch 1.13's LBFGS, step for
/// step. Like torch.optim.LBFGS.
/// </summary>
/// <remarks>
/// State (by torch's names): "func_evals", "n_iter" (Int64), "d", "t", "H_diag", "prev_flat_grad", "prev_loss", and the
/// history "old_dirs", "old_stps" (k × n, a row per pair; torch keeps lists) and "ro" (k), absent while empty.
/// </remarks>
public sealed class LBFGS : Optimizer
{
    private readonly Tensor[] _params;

    /// <summary>
    /// L-BFGS over parameters; like torch.optim.LBFGS(params, lr=1, max_iter=20, max_eval=None (max_iter·5/4),
    /// tolerance_grad=1e-7, tolerance_change=1e-9, history_size=100, line_search_fn=None or "strong_wolfe").
    /// </summary>
    public LBFGS(IEnumerable<Tensor> parameters, double lr = 1, int maxIter = 20, int? maxEval = null, double toleranceGrad = 1e-7,
                 double toleranceChange = 1e-9, int historySize = 100, string? lineSearchFn = null)
        : base([new ParamGroup(parameters)], new Dictionary<string, object>
        {
            ["lr"] = lr, ["max_iter"] = maxIter, ["max_eval"] = maxEval ?? maxIter * 5 / 4, ["tolerance_grad"] = toleranceGrad,
            ["tolerance_change"] = toleranceChange, ["history_size"] = historySize, ["line_search_fn"] = lineSearchFn ?? NoLineSearch,
        })
    {
        _params = [.. ParamGroups[0].ParameterArray];
    }

    /// <summary>The "line_search_fn" option when there is none (torch's None).</summary>
    public const string NoLineSearch = "none";

    /// <inheritdoc/>
    protected override void Validate(ParamGroup group)
    {
        if (ParamGroups.Count > 0) throw new ArgumentException("LBFGS: LBFGS doesn't support per-parameter options (parameter groups)");
        if (!(group.LearningRate > 0)) throw new ArgumentException($"LBFGS: Invalid learning rate: {group.LearningRate}");
        foreach (var name in new[] { "max_iter", "max_eval", "history_size" })
            if (!(group.Get<double>(name) >= 1)) throw new ArgumentException($"LBFGS: {name} must be at least 1 (got {group.Get<double>(name)})");
        var lineSearch = group.Get<string>("line_search_fn");
        if (lineSearch is not (NoLineSearch or "strong_wolfe"))
            throw new ArgumentException($"LBFGS: only 'strong_wolfe' is supported as line_search_fn (got '{lineSearch}')");
    }

    /// <summary>Always throws: LBFGS re-evaluates the model, so it needs <see cref="Step(Func{Tensor})"/>.</summary>
    protected override void StepGroup(ParamGroup group) =>
        throw new InvalidOperationException("LBFGS: Step needs a closure that re-evaluates the model and returns the loss: optimizer.Step(() => { ... })");

    /// <summary>
    /// Up to max_iter L-BFGS iterations, calling the closure (under grad mode) for each evaluation; returns the loss
    /// of the first evaluation, as torch's step(closure).
    /// </summary>
    public override Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        var group = ParamGroups[0];
        double lr = group.LearningRate, toleranceGrad = group.Get<double>("tolerance_grad"), toleranceChange = group.Get<double>("tolerance_change");
        int maxIter = (int)group.Get<double>("max_iter"), maxEval = (int)group.Get<double>("max_eval"), historySize = (int)group.Get<double>("history_size");
        bool strongWolfe = group.Get<string>("line_search_fn") == "strong_wolfe";

        Tensor Evaluate()
        {
            using (Autograd.EnableGrad()) return closure();
        }

        using var noGrad = Autograd.NoGrad();
        var state = StateOf(_params[0]);
        long funcEvals = state.TryGetValue("func_evals", out var fe) ? fe.Item<long>() : 0;
        long stateIter = state.TryGetValue("n_iter", out var ni) ? ni.Item<long>() : 0;

        var origLoss = Evaluate();
        double loss = origLoss.Item();
        int currentEvals = 1;
        funcEvals++;
        var flatGrad = GatherFlatGrad();
        bool optCond = flatGrad.Abs().Max().Item() <= toleranceGrad;
        if (optCond)
        {
            state["func_evals"] = Tensor.From(funcEvals);
            state["n_iter"] = Tensor.From(stateIter);
            return origLoss;
        }

        var d = state.GetValueOrDefault("d");
        double t = state.TryGetValue("t", out var tt) ? tt.Item() : 0;
        var oldDirs = Rows(state.GetValueOrDefault("old_dirs"));
        var oldStps = Rows(state.GetValueOrDefault("old_stps"));
        var ro = state.TryGetValue("ro", out var r) ? r.ToDoubleArray().ToList() : [];
        double hDiag = state.TryGetValue("H_diag", out var h) ? h.Item() : 1;
        var prevFlatGrad = state.GetValueOrDefault("prev_flat_grad");
        double prevLoss = state.TryGetValue("prev_loss", out var pl) ? pl.Item() : 0;

        int nIter = 0;
        while (nIter < maxIter)
        {
            nIter++;
            stateIter++;

            // The descent direction: −g at first, then the two-loop recursion over the history.
            if (stateIter == 1)
            {
                d = flatGrad.Neg();
                oldDirs = [];
                oldStps = [];
                ro = [];
                hDiag = 1;
            }
            else
            {
                var y = flatGrad.Sub(prevFlatGrad!);
                var s = d!.Mul(t);
                double ys = Dot(y, s);
                if (ys > 1e-10)
                {
                    if (oldDirs.Count == historySize)
                    {
                        oldDirs.RemoveAt(0);
                        oldStps.RemoveAt(0);
                        ro.RemoveAt(0);
                    }
                    oldDirs.Add(y);
                    oldStps.Add(s);
                    ro.Add(1.0 / ys);
                    hDiag = ys / Dot(y, y);   // the scale of the initial inverse Hessian
                }
                int numOld = oldDirs.Count;
                var al = new double[numOld];
                var q = flatGrad.Neg();
                for (int i = numOld - 1; i >= 0; i--)
                {
                    al[i] = Dot(oldStps[i], q) * ro[i];
                    UpdateMath.AddScaledAsTorch(q, oldDirs[i], -al[i]);
                }
                d = q.Mul(hDiag);
                for (int i = 0; i < numOld; i++)
                {
                    double beI = Dot(oldDirs[i], d) * ro[i];
                    UpdateMath.AddScaledAsTorch(d, oldStps[i], al[i] - beI);
                }
            }
            if (prevFlatGrad is null) prevFlatGrad = flatGrad.Clone();
            else prevFlatGrad.Copy_(flatGrad);
            prevLoss = loss;

            // The step length: lr, shortened on the very first iteration to at most 1/|g|₁.
            t = stateIter == 1 ? Math.Min(1.0, 1.0 / flatGrad.Abs().Sum().Item()) * lr : lr;
            double gtd = Dot(flatGrad, d);
            if (gtd > -toleranceChange) break;   // not a descent direction any more

            int lsFuncEvals = 0;
            if (strongWolfe)
            {
                var xInit = _params.Select(p => p.Clone()).ToArray();
                var direction = d;
                (double, Tensor) Directional(double step)
                {
                    AddGrad(step, direction);
                    double value = Evaluate().Item();
                    var grad = GatherFlatGrad();
                    for (int i = 0; i < _params.Length; i++) _params[i].Copy_(xInit[i]);
                    return (value, grad);
                }
                (loss, flatGrad, t, lsFuncEvals) = StrongWolfe.Search(Directional, t, d, loss, flatGrad, gtd);
                AddGrad(t, d);
                optCond = flatGrad.Abs().Max().Item() <= toleranceGrad;
            }
            else
            {
                AddGrad(t, d);
                if (nIter != maxIter)
                {
                    // Re-evaluated except after the last iteration (in a stochastic setting it would be wasted).
                    loss = Evaluate().Item();
                    flatGrad = GatherFlatGrad();
                    optCond = flatGrad.Abs().Max().Item() <= toleranceGrad;
                    lsFuncEvals = 1;
                }
            }
            currentEvals += lsFuncEvals;
            funcEvals += lsFuncEvals;

            if (nIter == maxIter || currentEvals >= maxEval || optCond) break;
            if (d.Mul(t).Abs().Max().Item() <= toleranceChange) break;   // no progress in the parameters
            if (Math.Abs(loss - prevLoss) < toleranceChange) break;        // nor in the loss
        }

        state["func_evals"] = Tensor.From(funcEvals);
        state["n_iter"] = Tensor.From(stateIter);
        state["d"] = d!;
        state["t"] = Tensor.From(t);
        state["H_diag"] = Tensor.From(hDiag);
        state["prev_flat_grad"] = prevFlatGrad!;
        state["prev_loss"] = Tensor.From(prevLoss);
        if (oldDirs.Count > 0)
        {
            state["old_dirs"] = Tensor.Stack([.. oldDirs], 0);
            state["old_stps"] = Tensor.Stack([.. oldStps], 0);
            state["ro"] = Tensor.From(ro.ToArray());
        }
        else
        {
            state.Remove("old_dirs");
            state.Remove("old_stps");
            state.Remove("ro");
        }
        return origLoss;
    }

    /// <summary>The scalars and counters keep their saved dtype on load (Float64 and Int64), as torch keeps its Python numbers.</summary>
    protected override bool KeepsDType(string key) => key is "step" or "func_evals" or "n_iter" or "t" or "H_diag" or "prev_loss" or "ro";

    /// <summary>
    /// aᵀb summed left to right in the vectors' dtype, as torch.dot does (its BLAS's ddot/sdot) for vectors shorter
    /// than a BLAS block; the library's Dot (a blocked product) rounds differently, and L-BFGS amplifies a last bit.
    /// </summary>
    internal static double Dot(Tensor a, Tensor b)
    {
        if (a.DType == DType.Float32)
        {
            float[] x = a.ToArray<float>(), y = b.ToArray<float>();
            float sum = 0;
            for (int i = 0; i < x.Length; i++) sum += x[i] * y[i];
            return sum;
        }
        double[] u = a.ToDoubleArray(), v = b.ToDoubleArray();
        double total = 0;
        for (int i = 0; i < u.Length; i++) total += u[i] * v[i];
        return total;
    }

    /// <summary>The flat vectors must have every parameter's elements, the history one row of them per pair.</summary>
    protected override void CheckStateShape(int index, Tensor parameter, string key, Tensor value)
    {
        int n = _params.Sum(p => p.Numel);
        bool fits = key switch
        {
            "d" or "prev_flat_grad" => value.Dim == 1 && value.ShapeArray[0] == n,
            "old_dirs" or "old_stps" => value.Dim == 2 && value.ShapeArray[1] == n,
            "ro" => value.Dim == 1,
            _ => value.Dim == 0,
        };
        if (!fits)
            throw new ArgumentException($"LBFGS: loaded state \"{key}\" has shape {Shapes.Format(value.ShapeArray)}, which does not fit {n} parameter elements");
    }

    private static List<Tensor> Rows(Tensor? stacked) =>
        stacked is null ? [] : Enumerable.Range(0, stacked.ShapeArray[0]).Select(i => stacked.Select(0, i).Clone()).ToList();

    /// <summary>Every parameter's gradient flattened into one vector (zeros for a parameter without one).</summary>
    private Tensor GatherFlatGrad() =>
        Tensor.Cat(_params.Select(p => p.Grad is { } g ? g.Reshape(-1) : Tensor.Zeros([p.Numel], p.DType)).ToArray(), 0);

    /// <summary>θ ← θ + step·update, the flat update cut to each parameter's shape.</summary>
    private void AddGrad(double step, Tensor update)
    {
        int offset = 0;
        foreach (var p in _params)
        {
            int n = p.Numel;
            UpdateMath.AddScaledAsTorch(p, update.Narrow(0, offset, n).Contiguous().View(p.ShapeArray), step);
            offset += n;
        }
    }
}
