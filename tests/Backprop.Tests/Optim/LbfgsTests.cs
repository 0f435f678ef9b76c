using Backprop;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>
/// LBFGS, with and without the strong-Wolfe line search, follows PyTorch 1.13 on the reference objective
/// (Reference/optim_more.json): five Step(closure) calls, each up to max_iter iterations; the loss each returns, the
/// parameters after it, and torch's func_evals and n_iter counters (the closure calls too, in Float64).
/// </summary>
public class LbfgsTests
{
    public static TheoryData<string> Cases => OptimMoreReference.Names("lbfgs");

    private static LBFGS Create(System.Text.Json.JsonElement o, Tensor w, Tensor b) =>
        new([w, b], OptimReference.Number(o, "lr", 1), (int)OptimReference.Number(o, "max_iter", 20), null,
            OptimReference.Number(o, "tolerance_grad", 1e-7), OptimReference.Number(o, "tolerance_change", 1e-9),
            (int)OptimReference.Number(o, "history_size", 100), o.TryGetProperty("line_search_fn", out var ls) ? ls.GetString() : null);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Steps_match_torch(string name)
    {
        var c = OptimMoreReference.Case("lbfgs", name);
        var dtype = OptimReference.DTypeOf(c);
        var (w, b) = OptimReference.Parameters(dtype);
        var optimizer = Create(c.GetProperty("options"), w, b);
        // 1e-9 in Float64 (the reference script picks cases torch itself does not amplify a 1e-16 nudge in beyond 1e-10);
        // in Float32 torch rounds its scalars (t, gᵀd, ρ) to float and this port keeps them in double: 1e-3.
        double rtol = dtype == DType.Float64 ? 1e-9 : 1e-3, atol = dtype == DType.Float64 ? 1e-12 : 1e-6;
        int calls = 0;
        Tensor Closure()
        {
            calls++;
            optimizer.ZeroGrad();
            var loss = OptimReference.Objective(w, b);
            loss.Backward();
            return loss;
        }
        var losses = OptimReference.Doubles(c.GetProperty("losses"));
        var trajectory = c.GetProperty("trajectory").EnumerateArray().Select(OptimReference.Doubles).ToArray();
        var funcEvals = c.GetProperty("func_evals").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        var nIter = c.GetProperty("n_iter").EnumerateArray().Select(e => e.GetInt64()).ToArray();
        for (int step = 0; step < losses.Length; step++)
        {
            double loss = optimizer.Step(Closure).Item();
            Assert.True(Math.Abs(loss - losses[step]) <= atol + rtol * Math.Abs(losses[step]), $"{name}, step {step + 1}: loss {loss:R}, torch {losses[step]:R}");
            var actual = OptimReference.Flatten(w, b);
            for (int i = 0; i < actual.Length; i++)
                Assert.True(Math.Abs(actual[i] - trajectory[step][i]) <= atol + rtol * Math.Abs(trajectory[step][i]),
                    $"{name}, step {step + 1}, element {i}: expected {trajectory[step][i]:R}, got {actual[i]:R}");
            if (dtype == DType.Float64)
            {
                Assert.Equal(funcEvals[step], optimizer.State(w)["func_evals"].Item<long>());
                Assert.Equal(nIter[step], optimizer.State(w)["n_iter"].Item<long>());
            }
        }
        if (dtype == DType.Float64) Assert.Equal(c.GetProperty("closure_calls").GetInt32(), calls);
    }

    [Fact]
    public void A_state_dict_resumes_the_history_bit_for_bit()
    {
        var (w, b) = OptimReference.Parameters(DType.Float64);
        var optimizer = new LBFGS([w, b], lr: 1, maxIter: 4, historySize: 3, lineSearchFn: "strong_wolfe");
        Func<Tensor> Closure(Optimizer o, Tensor w_, Tensor b_) => () =>
        {
            o.ZeroGrad();
            var loss = OptimReference.Objective(w_, b_);
            loss.Backward();
            return loss;
        };
        optimizer.Step(Closure(optimizer, w, b));
        var saved = optimizer.StateDict();
        Assert.Equal(3, saved.State[0]["old_dirs"].ShapeArray[0]);
        var (w2, b2) = (w.Detach().Clone().RequiresGrad_(), b.Detach().Clone().RequiresGrad_());
        var resumed = new LBFGS([w2, b2], lr: 1, maxIter: 4, historySize: 3, lineSearchFn: "strong_wolfe");
        resumed.LoadStateDict(saved);
        for (int i = 0; i < 2; i++)
        {
            optimizer.Step(Closure(optimizer, w, b));
            resumed.Step(Closure(resumed, w2, b2));
        }
        Assert.Equal(OptimReference.Flatten(w, b), OptimReference.Flatten(w2, b2));
    }

    [Fact]
    public void Misuse_is_refused_with_clear_messages()
    {
        var p = Tensor.Zeros(2).RequiresGrad_();
        var q = Tensor.Zeros(2).RequiresGrad_();
        var optimizer = new LBFGS([p]);
        Assert.Contains("LBFGS: Step needs a closure", Assert.Throws<InvalidOperationException>(() => optimizer.Step()).Message);
        Assert.Equal("LBFGS: LBFGS doesn't support per-parameter options (parameter groups)",
            Assert.Throws<ArgumentException>(() => optimizer.AddParamGroup(new ParamGroup([q]))).Message);
        Assert.Equal("LBFGS: only 'strong_wolfe' is supported as line_search_fn (got 'backtracking')",
            Assert.Throws<ArgumentException>(() => new LBFGS([q], lineSearchFn: "backtracking")).Message);
        Assert.Equal(25.0, new LBFGS([q], maxIter: 20).ParamGroups[0].Get<double>("max_eval"));
    }

    [Fact]
    public void Strong_wolfe_cubic_interpolation_is_torchs()
    {
        // torch.optim.lbfgs._cubic_interpolate printed: (0, 1, -2, 1, 0.5, 1) → 0.6666666666666667; bounds (0.7, 2) → 0.7;
        // (0, 1, -3, 2, 0.2, 0.5) → 0.9858599568826765; no minimum, (0, 0, 5, 1, 10/3, 5) → the midpoint 0.5
        Assert.Equal(0.6666666666666667, StrongWolfe.CubicInterpolate(0, 1, -2, 1, 0.5, 1));
        Assert.Equal(0.7, StrongWolfe.CubicInterpolate(0, 1, -2, 1, 0.5, 1, (0.7, 2)));
        Assert.Equal(0.9858599568826765, StrongWolfe.CubicInterpolate(0, 1, -3, 2, 0.2, 0.5));
        Assert.Equal(0.5, StrongWolfe.CubicInterpolate(0, 0, 5, 1, 10.0 / 3, 5));
    }
}
