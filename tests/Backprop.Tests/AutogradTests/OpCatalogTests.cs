using System.Diagnostics;
using System.Text.Json;
using Backprop.NN;
using Backprop.Testing;

namespace Backprop.Tests.AutogradTests;

/// <summary>
/// The op declarations (src/Backprop/Ops/OpCatalog.cs) against the ops and against PyTorch: the grad_fn names are
/// unique; every declared op has a check here, which makes a node of exactly that declaration and gradchecks it (for a
/// backward op, the gradient is taken with createGraph, so its check is a second-order one); and the same expression
/// in torch gives a grad_fn of the declared name (needs /usr/bin/python3 with torch; skipped without it).
/// </summary>
public class OpCatalogTests
{
    /// <summary>
    /// One declared op's check: Make builds, from Inputs (Float64 leaves that require grad), a tensor whose grad_fn is
    /// the op's node; Torch is the same expression in PyTorch, over the inputs p0, p1, … of the same shapes, using the
    /// helpers of <see cref="TorchPreamble"/>. Verify, where set, replaces the gradcheck (an op that is not smooth in
    /// Float64 finite differences, or that has no derivative).
    /// </summary>
    private sealed record Check(Tensor[] Inputs, Func<Tensor[], Tensor> Make, string Torch, Action<Tensor[]>? Verify = null);

    // Distinct values away from 0, ±0.5 and every other kink, so that ties and thresholds are not crossed within eps.
    private static Tensor P(params int[] shape)
    {
        int n = shape.Aggregate(1, (a, b) => a * b);
        var values = Enumerable.Range(0, n).Select(i => Math.Round(1.7 * Math.Sin(1.3 * i + 0.4), 6) + (i % 2 == 0 ? 0.05 : -0.05)).ToArray();
        return Tensor.From(values).Reshape(shape).Detach().RequiresGrad_();
    }

    // Positive, for log, sqrt, pow; in (0.1, 0.9) with Unit, for probabilities.
    private static Tensor Positive(params int[] shape) => (P(shape).Detach().Abs() + 0.3).Detach().RequiresGrad_();

    private static Tensor Unit(params int[] shape) => (P(shape).Detach().Sigmoid() * 0.8 + 0.1).Detach().RequiresGrad_();

    /// <summary>The gradient of y with respect to x for a grad_output v that requires grad, taken with createGraph: the node of a backward op.</summary>
    private static Tensor GradOf(Tensor y, Tensor x, Tensor v) => Autograd.Grad([y], [x], [v], createGraph: true)[0]!;

    private static readonly long[,] Index23 = { { 1, 0, 1 }, { 0, 1, 0 } };   // a permutation of each column of a [2, 3]

    private static Dictionary<OpDecl, Check> Checks() => new()
    {
        // Arithmetic
        [OpCatalog.Add] = new([P(2, 3), P(3)], x => x[0] + x[1], "p0 + p1"),
        [OpCatalog.Sub] = new([P(2, 3), P(2, 3)], x => x[0] - x[1], "p0 - p1"),
        [OpCatalog.Rsub] = new([P(2, 3)], x => 2 - x[0], "2 - p0"),
        [OpCatalog.Mul] = new([P(2, 3), P(2, 3)], x => x[0] * x[1], "p0 * p1"),
        [OpCatalog.Div] = new([P(2, 3), Positive(2, 3)], x => x[0] / x[1], "p0 / p1"),
        [OpCatalog.Neg] = new([P(2, 3)], x => -x[0], "-p0"),
        [OpCatalog.Pow] = new([P(2, 3)], x => x[0].Pow(3), "p0.pow(3)"),
        [OpCatalog.PowTensor] = new([Positive(2, 3), P(2, 3)], x => x[0].Pow(x[1]), "p0.pow(p1)"),

        // Elementwise math
        [OpCatalog.Exp] = new([P(2, 3)], x => x[0].Exp(), "p0.exp()"),
        [OpCatalog.Log] = new([Positive(2, 3)], x => x[0].Log(), "p0.log()"),
        [OpCatalog.Log1p] = new([Positive(2, 3)], x => x[0].Log1p(), "p0.log1p()"),
        [OpCatalog.Sqrt] = new([Positive(2, 3)], x => x[0].Sqrt(), "p0.sqrt()"),
        [OpCatalog.Abs] = new([P(2, 3)], x => x[0].Abs(), "p0.abs()"),
        [OpCatalog.Sign] = new([P(2, 3)], x => x[0].Sign(), "p0.sign()"),
        [OpCatalog.Sin] = new([P(2, 3)], x => x[0].Sin(), "p0.sin()"),
        [OpCatalog.Cos] = new([P(2, 3)], x => x[0].Cos(), "p0.cos()"),
        [OpCatalog.Erf] = new([P(2, 3)], x => x[0].Erf(), "p0.erf()"),

        // Activations and their fused backward ops
        [OpCatalog.Sigmoid] = new([P(2, 3)], x => x[0].Sigmoid(), "p0.sigmoid()"),
        [OpCatalog.SigmoidBackward] = new([P(2, 3), P(2, 3)], x => GradOf(x[0].Sigmoid(), x[0], x[1]), "grad(p0.sigmoid(), p0, p1)"),
        [OpCatalog.Tanh] = new([P(2, 3)], x => x[0].Tanh(), "p0.tanh()"),
        [OpCatalog.TanhBackward] = new([P(2, 3), P(2, 3)], x => GradOf(x[0].Tanh(), x[0], x[1]), "grad(p0.tanh(), p0, p1)"),
        [OpCatalog.Relu] = new([P(2, 3)], x => x[0].Relu(), "p0.relu()"),
        [OpCatalog.ThresholdBackward] = new([P(2, 3), P(2, 3)], x => GradOf(x[0].Relu(), x[0], x[1]), "grad(p0.relu(), p0, p1)"),
        [OpCatalog.LeakyRelu] = new([P(2, 3)], x => x[0].LeakyRelu(0.1), "F.leaky_relu(p0, 0.1)"),
        [OpCatalog.Gelu] = new([P(2, 3)], x => x[0].Gelu(), "F.gelu(p0)"),
        [OpCatalog.GeluBackward] = new([P(2, 3), P(2, 3)], x => GradOf(x[0].Gelu(), x[0], x[1]), "grad(F.gelu(p0), p0, p1)"),
        [OpCatalog.Softplus] = new([P(2, 3)], x => x[0].Softplus(), "F.softplus(p0)"),

        // Softmax and log-sum-exp
        [OpCatalog.Softmax] = new([P(2, 3)], x => x[0].Softmax(1), "p0.softmax(1)"),
        [OpCatalog.SoftmaxBackwardData] = new([P(2, 3), P(2, 3)], x => GradOf(x[0].Softmax(1), x[0], x[1]), "grad(p0.softmax(1), p0, p1)"),
        [OpCatalog.LogSoftmax] = new([P(2, 3)], x => x[0].LogSoftmax(1), "p0.log_softmax(1)"),
        [OpCatalog.LogSoftmaxBackwardData] = new([P(2, 3), P(2, 3)], x => GradOf(x[0].LogSoftmax(1), x[0], x[1]), "grad(p0.log_softmax(1), p0, p1)"),
        [OpCatalog.Logsumexp] = new([P(2, 3)], x => x[0].LogSumExp(1), "p0.logsumexp(1)"),

        // Reductions and statistics
        [OpCatalog.Sum] = new([P(2, 3)], x => x[0].Sum(), "p0.sum()"),
        [OpCatalog.SumDims] = new([P(2, 3)], x => x[0].Sum([1]), "p0.sum(1)"),
        [OpCatalog.Mean] = new([P(2, 3)], x => x[0].Mean(), "p0.mean()"),
        [OpCatalog.MeanDims] = new([P(2, 3)], x => x[0].Mean([1]), "p0.mean(1)"),
        [OpCatalog.Cumsum] = new([P(2, 3)], x => x[0].Cumsum(1), "p0.cumsum(1)"),
        [OpCatalog.Var] = new([P(2, 3)], x => x[0].Var(), "p0.var()"),
        [OpCatalog.Std] = new([P(2, 3)], x => x[0].Std(), "p0.std()"),

        // Reductions that select
        [OpCatalog.Max] = new([P(2, 3)], x => x[0].Max(), "p0.max()"),
        [OpCatalog.Min] = new([P(2, 3)], x => x[0].Min(), "p0.min()"),
        [OpCatalog.MaxDim] = new([P(2, 3)], x => x[0].Max(1).Values, "p0.max(1)[0]"),
        [OpCatalog.MinDim] = new([P(2, 3)], x => x[0].Min(1).Values, "p0.min(1)[0]"),
        [OpCatalog.Amax] = new([P(2, 3)], x => x[0].AMax(1), "p0.amax(1)"),
        [OpCatalog.Amin] = new([P(2, 3)], x => x[0].AMin(1), "p0.amin(1)"),

        // Selection
        [OpCatalog.Where] = new([P(2, 3), P(2, 3)], x => Tensor.Where(x[0].Detach().Gt(0), x[0], x[1]), "torch.where(p0 > 0, p0, p1)"),
        [OpCatalog.Clamp] = new([P(2, 3)], x => x[0].Clamp(-1, 1), "p0.clamp(-1, 1)"),
        [OpCatalog.Maximum] = new([P(2, 3), P(3)], x => x[0].Maximum(x[1]), "p0.maximum(p1)"),
        [OpCatalog.Minimum] = new([P(2, 3), P(3)], x => x[0].Minimum(x[1]), "p0.minimum(p1)"),

        // Indexing and scattering
        [OpCatalog.Gather] = new([P(2, 3)], x => x[0].Gather(0, Tensor.From(Index23)), "p0.gather(0, index23)"),
        [OpCatalog.ScatterAdd] = new([P(2, 3), P(2, 3)], x => x[0].ScatterAdd(0, Tensor.From(Index23), x[1]), "p0.scatter_add(0, index23, p1)"),
        [OpCatalog.Scatter] = new([P(2, 3), P(2, 3)], x => x[0].Scatter(0, Tensor.From(Index23), x[1]), "p0.scatter(0, index23, p1)"),
        [OpCatalog.ScatterValue] = new([P(2, 3)], x => x[0].Scatter(0, Tensor.From(new long[,] { { 1, 0, 1 } }), 1.5), "p0.scatter(0, index23[:1], 1.5)"),
        [OpCatalog.ScatterMultiply] = new([P(2, 3), P(2, 3)], x => x[0].Scatter(0, Tensor.From(Index23), x[1], ScatterReduce.Multiply),
            "p0.scatter(0, index23, p1, reduce='multiply')", NoDerivative),
        [OpCatalog.IndexSelect] = new([P(3, 2)], x => x[0].IndexSelect(0, Tensor.From(new long[] { 2, 0, 2 })), "p0.index_select(0, torch.tensor([2, 0, 2]))"),
        [OpCatalog.IndexAdd] = new([P(3, 2), P(2, 2)], x => x[0].IndexAdd(0, Tensor.From(new long[] { 2, 0 }), x[1]), "p0.index_add(0, torch.tensor([2, 0]), p1)"),
        [OpCatalog.MaskedFill] = new([P(2, 3)], x => x[0].MaskedFill(x[0].Detach().Gt(0), 0.0), "p0.masked_fill(p0 > 0, 0.0)"),
        [OpCatalog.Embedding] = new([P(4, 3)], x => F.Embedding(Tensor.From(new long[] { 3, 0, 3 }), x[0]), "F.embedding(torch.tensor([3, 0, 3]), p0)"),

        // Joining and splitting
        [OpCatalog.Cat] = new([P(2, 3), P(1, 3)], x => Tensor.Cat([x[0], x[1]]), "torch.cat([p0, p1])"),
        [OpCatalog.Stack] = new([P(2, 3), P(2, 3)], x => Tensor.Stack([x[0], x[1]], 1), "torch.stack([p0, p1], 1)"),
        [OpCatalog.Split] = new([P(2, 3)], x => x[0].Split(2, 1)[1], "p0.split(2, 1)[1]"),
        [OpCatalog.SplitWithSizes] = new([P(2, 3)], x => x[0].Split([1, 2], 1)[1], "p0.split([1, 2], 1)[1]"),

        // Views
        [OpCatalog.View] = new([P(2, 3)], x => x[0].View(3, 2), "p0.view(3, 2)"),
        [OpCatalog.UnsafeView] = new([P(2, 3)], x => x[0].T.Reshape(6), "p0.t().reshape(6)"),
        [OpCatalog.Transpose] = new([P(2, 3, 2)], x => x[0].Transpose(0, 2), "p0.transpose(0, 2)"),
        [OpCatalog.Permute] = new([P(2, 3, 2)], x => x[0].Permute(2, 0, 1), "p0.permute(2, 0, 1)"),
        [OpCatalog.Expand] = new([P(2, 1)], x => x[0].Expand(2, 3), "p0.expand(2, 3)"),
        [OpCatalog.Squeeze] = new([P(2, 1, 3)], x => x[0].Squeeze(), "p0.squeeze()"),
        [OpCatalog.SqueezeDim] = new([P(2, 1, 3)], x => x[0].Squeeze(1), "p0.squeeze(1)"),
        [OpCatalog.Unsqueeze] = new([P(2, 3)], x => x[0].Unsqueeze(1), "p0.unsqueeze(1)"),
        [OpCatalog.Select] = new([P(2, 3)], x => x[0].Select(1, 2), "p0.select(1, 2)"),
        [OpCatalog.SelectBackward] = new([P(2, 3), P(3)], x => GradOf(x[0].Select(0, 1), x[0], x[1]), "grad(p0.select(0, 1), p0, p1)"),
        [OpCatalog.Slice] = new([P(2, 3)], x => x[0].Slice(1, 0, 3, 2), "p0[:, 0:3:2]"),
        [OpCatalog.SliceBackward] = new([P(2, 3), P(2, 2)], x => GradOf(x[0].Slice(1, 1, 3), x[0], x[1]), "grad(p0[:, 1:3], p0, p1)"),
        [OpCatalog.Alias] = new([P(2, 3)], x => x[0][TensorIndex.Ellipsis], "p0[...]"),

        // Copies and conversions
        [OpCatalog.Clone] = new([P(2, 3)], x => x[0].Clone(), "p0.clone()"),
        [OpCatalog.ToCopy] = new([P(2, 3)], x => x[0].To(DType.Float32), "p0.to(torch.float32)", CastsGradientBack),

        // Linear algebra
        [OpCatalog.Addmm] = new([P(2), P(3, 4), P(4, 2)], x => Tensor.Addmm(x[0], x[1], x[2]), "torch.addmm(p0, p1, p2)"),
        [OpCatalog.Mm] = new([P(3, 4), P(4, 2)], x => x[0].Mm(x[1]), "p0.mm(p1)"),
        [OpCatalog.Mv] = new([P(3, 4), P(4)], x => x[0].Mv(x[1]), "p0.mv(p1)"),
        [OpCatalog.Dot] = new([P(4), P(4)], x => x[0].Dot(x[1]), "p0.dot(p1)"),
        [OpCatalog.Bmm] = new([P(2, 3, 4), P(2, 4, 2)], x => x[0].Bmm(x[1]), "p0.bmm(p1)"),

        // Convolution and pooling
        [OpCatalog.Convolution] = new([P(1, 2, 4, 4), P(3, 2, 2, 2), P(3)], x => Tensor.Conv2d(x[0], x[1], x[2]), "F.conv2d(p0, p1, p2)"),
        [OpCatalog.ConvolutionBackward] = new([P(1, 2, 4, 4), P(3, 2, 2, 2), P(1, 3, 3, 3)], x => GradOf(Tensor.Conv2d(x[0], x[1]), x[0], x[2]),
            "grad(F.conv2d(p0, p1), p0, p2)"),
        [OpCatalog.Im2Col] = new([P(1, 2, 3, 3)], x => F.Unfold(x[0], new Size2(2, 2)), "F.unfold(p0, 2)"),
        [OpCatalog.Col2Im] = new([P(1, 8, 4)], x => F.Fold(x[0], new Size2(3, 3), new Size2(2, 2)), "F.fold(p0, 3, 2)"),
        [OpCatalog.MaxPool2d] = new([P(1, 2, 4, 4)], x => Tensor.MaxPool2d(x[0], 2), "F.max_pool2d(p0, 2)"),
        [OpCatalog.MaxPool2dBackward] = new([P(1, 2, 4, 4), P(1, 2, 2, 2)], x => GradOf(Tensor.MaxPool2d(x[0], 2), x[0], x[1]),
            "grad(F.max_pool2d(p0, 2), p0, p1)"),
        [OpCatalog.AvgPool2d] = new([P(1, 2, 4, 4)], x => Tensor.AvgPool2d(x[0], 2), "F.avg_pool2d(p0, 2)"),
        [OpCatalog.AvgPool2dBackward] = new([P(1, 2, 4, 4), P(1, 2, 2, 2)], x => GradOf(Tensor.AvgPool2d(x[0], 2), x[0], x[1]),
            "grad(F.avg_pool2d(p0, 2), p0, p1)"),
        [OpCatalog.AdaptiveAvgPool2d] = new([P(1, 2, 4, 4)], x => Tensor.AdaptiveAvgPool2d(x[0], new Size2(3, 3)), "F.adaptive_avg_pool2d(p0, 3)"),
        [OpCatalog.AdaptiveAvgPool2dBackward] = new([P(1, 2, 4, 4), P(1, 2, 3, 3)],
            x => GradOf(Tensor.AdaptiveAvgPool2d(x[0], new Size2(3, 3)), x[0], x[1]), "grad(F.adaptive_avg_pool2d(p0, 3), p0, p1)"),

        // Losses
        [OpCatalog.BinaryCrossEntropy] = new([Unit(2, 3), Unit(2, 3)], x => F.BinaryCrossEntropy(x[0], x[1], reduction: Reduction.None),
            "F.binary_cross_entropy(p0.sigmoid().detach().requires_grad_(), p1.sigmoid().detach().requires_grad_(), reduction='none')"),
    };

    // scatter(reduce='multiply') has no derivative (PyTorch 1.13: "the derivative for 'scatter' with reduce is not
    // implemented"): the node is recorded, and a backward through it throws.
    private static void NoDerivative(Tensor[] inputs)
    {
        var y = Checks()[OpCatalog.ScatterMultiply].Make(inputs);
        var ex = Assert.Throws<NotSupportedException>(() => y.Sum().Backward());
        Assert.Contains("Scatter", ex.Message);
    }

    // A cast to Float32 and back is not smooth at eps = 1e-6; PyTorch's ToCopyBackward0 casts the gradient back to
    // the input's dtype: here exactly w, as Float64.
    private static void CastsGradientBack(Tensor[] inputs)
    {
        var w = Tensor.From(new[,] { { 0.5f, -1.25f, 2f }, { 3f, -0.75f, 1f } });
        var grad = Autograd.Grad([(inputs[0].To(DType.Float32) * w).Sum()], [inputs[0]])[0]!;
        Assert.Equal(DType.Float64, grad.DType);
        Assert.Equal(new[] { 0.5, -1.25, 2, 3, -0.75, 1 }, grad.ToArray<double>());
    }

    [Fact]
    public void Every_declared_grad_fn_name_is_unique()
    {
        var repeated = OpCatalog.All.GroupBy(op => op.GradFn).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        Assert.True(repeated.Count == 0, $"declared more than once: {string.Join(", ", repeated)}");
        Assert.Equal(OpCatalog.All.Count, OpCatalog.All.Distinct().Count());
    }

    [Fact]
    public void Every_declared_op_has_a_check()
    {
        var checks = Checks();
        var missing = OpCatalog.All.Where(op => !checks.ContainsKey(op)).Select(op => op.GradFn).ToList();
        Assert.True(missing.Count == 0, $"declared in OpCatalog without a check in OpCatalogTests.Checks: {string.Join(", ", missing)}");
        var stray = checks.Keys.Where(op => !OpCatalog.All.Contains(op)).Select(op => op.GradFn).ToList();
        Assert.True(stray.Count == 0, $"checked but missing from OpCatalog.All: {string.Join(", ", stray)}");
    }

    public static TheoryData<string> DeclaredOps()
    {
        var data = new TheoryData<string>();
        foreach (var op in OpCatalog.All) data.Add(op.GradFn);
        return data;
    }

    private static OpDecl Declared(string gradFn) => OpCatalog.All.Single(op => op.GradFn == gradFn);

    [Theory]
    [MemberData(nameof(DeclaredOps))]
    public void A_declared_op_records_its_own_node_and_its_gradient_matches_finite_differences(string gradFn)
    {
        var op = Declared(gradFn);
        var check = Checks()[op];
        var y = check.Make(check.Inputs);
        Assert.Same(op, y.GradFn!.Op);
        Assert.Equal(op.GradFn, y.GradFn.Name);
        Assert.True(op.AcceptsEdges(y.GradFn.InputCount), $"{gradFn}: {y.GradFn.InputCount} edges, declared ({string.Join(", ", op.Inputs)})");
        if (check.Verify is { } verify) verify(check.Inputs);
        else Assert.True(Autograd.GradCheck(check.Make, check.Inputs));
    }

    [Fact]
    public void A_tensor_made_by_an_op_carries_that_ops_declaration_and_a_custom_function_none()
    {
        var x = Tensor.From(new[] { 0.5, -1.0 }).RequiresGrad_();
        Assert.Same(OpCatalog.Sigmoid, x.Sigmoid().GradFn!.Op);
        Assert.Same(OpCatalog.Mul, (x * 2).GradFn!.Op);
        Assert.Null(Assert.IsType<AccumulateGrad>(x.Sigmoid().GradFn!.NextFunctions[0]).Op);
    }

    // The inputs p0, p1, … of each expression: random Float64 leaves of the C# inputs' shapes (only names are compared).
    private const string TorchPreamble = """
        import json, sys, torch
        import torch.nn.functional as F
        torch.manual_seed(0)
        index23 = torch.tensor([[1, 0, 1], [0, 1, 0]])
        def grad(y, x, v):
            return torch.autograd.grad(y, x, v, create_graph=True)[0]
        def name(expr, shapes):
            env = dict(globals())
            for i, s in enumerate(shapes):
                env['p%d' % i] = torch.randn(*s, dtype=torch.float64).add(1.5 if i == 0 else 0.5).abs().requires_grad_()
            try:
                y = eval(expr, env)
                return y.grad_fn.name() if y.grad_fn is not None else 'None'
            except Exception as e:
                return 'error: %s' % e
        cases = json.load(sys.stdin)
        print(json.dumps([name(c['torch'], c['shapes']) for c in cases]))
        """;

    [SkippableFact]
    public void The_declared_grad_fn_names_are_PyTorchs()
    {
        Prerequisites.RequireTorch();
        var checks = Checks();
        var cases = OpCatalog.All.Select(op => new { torch = checks[op].Torch, shapes = checks[op].Inputs.Select(t => t.Shape.ToArray()).ToArray() }).ToArray();
        var names = JsonSerializer.Deserialize<string[]>(RunTorch(JsonSerializer.Serialize(cases)))!;
        Assert.Equal(OpCatalog.All.Count, names.Length);
        var wrong = OpCatalog.All.Select((op, i) => (op, torch: names[i])).Where(c => c.op.GradFn != c.torch)
            .Select(c => $"{checks[c.op].Torch}: torch {c.torch}, declared {c.op.GradFn}").ToList();
        Assert.True(wrong.Count == 0, "grad_fn names unlike PyTorch's:\n" + string.Join("\n", wrong));
    }

    private static string RunTorch(string stdin)
    {
        var info = new ProcessStartInfo(Prerequisites.Python)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(TorchPreamble);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {Prerequisites.Python}");
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Prerequisites.Python} ran past 2 minutes");
        }
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"python exited with {process.ExitCode}\n{stderr.Result}");
        return stdout.Result;
    }
}
