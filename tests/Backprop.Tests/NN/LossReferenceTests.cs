using System.Text.Json;
using Backprop;
using Backprop.NN;
using static Backprop.Tests.NN.NNReference;

namespace Backprop.Tests.NN;

/// <summary>
/// Every loss, reduction and option combination of tests/reference/nn_reference.py against PyTorch 1.13: the loss
/// value and the gradients with respect to the input (and the target where torch differentiates it), to 1e-10
/// relative in Float64 and 1e-6 in Float32 (plus about one Float32 ulp at 1 absolute). The module forms are checked against the functional forms.
/// </summary>
public class LossReferenceTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in Losses.GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static JsonElement Case(string name) =>
        Losses.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_and_gradients_match_pytorch(string name)
    {
        var c = Case(name);
        var dtype = DTypeOf(c.GetProperty("dtype"));
        double rtol = dtype == DType.Float64 ? 1e-10 : 1e-6;
        double atol = dtype == DType.Float64 ? 1e-15 : 2.5e-7;   // Float32: about one ulp at 1, for log-softmax's cancellation near 0
        var input = Packed(c.GetProperty("input"), dtype).RequiresGrad_();
        var target = Packed(c.GetProperty("target"), dtype);
        bool targetGrad = c.GetProperty("grad_target").ValueKind == JsonValueKind.Array;
        if (targetGrad) target.RequiresGrad_();

        var loss = Functional(c, dtype)(input, target);
        var expected = c.GetProperty("loss");
        Assert.Equal(dtype, loss.DType);
        TensorAssert.Close(Ints(expected.GetProperty("shape")), Doubles(expected.GetProperty("values")), loss, rtol, atol);

        if (c.GetProperty("grad_output").ValueKind == JsonValueKind.Array)
            loss.Backward(Tensor.From(Doubles(c.GetProperty("grad_output")), loss.ShapeArray).To(dtype));
        else
            loss.Backward();
        TensorAssert.Close(input.ShapeArray, Doubles(c.GetProperty("grad_input")), input.Grad!, rtol, atol);
        if (targetGrad)
            TensorAssert.Close(target.ShapeArray, Doubles(c.GetProperty("grad_target")), target.Grad!, rtol, atol);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Module_forward_equals_the_functional_form(string name)
    {
        var c = Case(name);
        var dtype = DTypeOf(c.GetProperty("dtype"));
        var input = Packed(c.GetProperty("input"), dtype);
        var target = Packed(c.GetProperty("target"), dtype);
        var viaModule = Module(c, dtype).Forward(input, target).ToDoubleArray();
        var viaFunction = Functional(c, dtype)(input, target).ToDoubleArray();
        Assert.Equal(viaFunction, viaModule);
    }

    /// <summary>The F.* call a case names, with its options.</summary>
    private static Func<Tensor, Tensor, Tensor> Functional(JsonElement c, DType dtype)
    {
        var o = Options.Of(c, dtype);
        return c.GetProperty("fn").GetString() switch
        {
            "mse_loss" => (x, t) => F.MseLoss(x, t, o.Reduction),
            "l1_loss" => (x, t) => F.L1Loss(x, t, o.Reduction),
            "smooth_l1_loss" => (x, t) => F.SmoothL1Loss(x, t, o.Reduction, o.Beta),
            "huber_loss" => (x, t) => F.HuberLoss(x, t, o.Reduction, o.Delta),
            "binary_cross_entropy" => (x, t) => F.BinaryCrossEntropy(x, t, o.Weight, o.Reduction),
            "binary_cross_entropy_with_logits" => (x, t) => F.BinaryCrossEntropyWithLogits(x, t, o.Weight, o.Reduction, o.PosWeight),
            "cross_entropy" => (x, t) => F.CrossEntropy(x, t, o.Weight, o.IgnoreIndex, o.Reduction, o.LabelSmoothing),
            "nll_loss" => (x, t) => F.NllLoss(x, t, o.Weight, o.IgnoreIndex, o.Reduction),
            "kl_div" => (x, t) => F.KLDiv(x, t, o.Reduction, o.LogTarget),
            var fn => throw new ArgumentException($"unknown loss {fn}"),
        };
    }

    /// <summary>The loss module a case names, with its options.</summary>
    private static Loss Module(JsonElement c, DType dtype)
    {
        var o = Options.Of(c, dtype);
        return c.GetProperty("fn").GetString() switch
        {
            "mse_loss" => new MSELoss(o.Reduction),
            "l1_loss" => new L1Loss(o.Reduction),
            "smooth_l1_loss" => new SmoothL1Loss(o.Reduction, o.Beta),
            "huber_loss" => new HuberLoss(o.Reduction, o.Delta),
            "binary_cross_entropy" => new BCELoss(o.Weight, o.Reduction),
            "binary_cross_entropy_with_logits" => new BCEWithLogitsLoss(o.Weight, o.Reduction, o.PosWeight),
            "cross_entropy" => new CrossEntropyLoss(o.Weight, o.IgnoreIndex, o.Reduction, o.LabelSmoothing),
            "nll_loss" => new NLLLoss(o.Weight, o.IgnoreIndex, o.Reduction),
            "kl_div" => new KLDivLoss(o.Reduction, o.LogTarget),
            var fn => throw new ArgumentException($"unknown loss {fn}"),
        };
    }

    private sealed record Options(Reduction Reduction, Tensor? Weight, Tensor? PosWeight, long IgnoreIndex, double LabelSmoothing,
        double Beta, double Delta, bool LogTarget)
    {
        public static Options Of(JsonElement c, DType dtype)
        {
            var o = c.GetProperty("options");
            JsonElement v;
            Tensor? weight = o.TryGetProperty("weight", out v) ? Tensor.From(Doubles(v)).To(dtype) : null;
            Tensor? posWeight = o.TryGetProperty("pos_weight", out v)
                ? Tensor.From(Doubles(v), Ints(o.GetProperty("pos_weight_shape"))).To(dtype) : null;
            return new Options(
                o.TryGetProperty("reduction", out v) ? ReductionOf(v.GetString()!) : Reduction.Mean,
                weight, posWeight,
                o.TryGetProperty("ignore_index", out v) ? v.GetInt64() : -100,
                o.TryGetProperty("label_smoothing", out v) ? v.GetDouble() : 0,
                o.TryGetProperty("beta", out v) ? v.GetDouble() : 1,
                o.TryGetProperty("delta", out v) ? v.GetDouble() : 1,
                o.TryGetProperty("log_target", out v) && v.GetBoolean());
        }
    }
}
