using System.Globalization;
using System.Text.Json;
using Backprop;
using Backprop.NN;

namespace Backprop.Tests.NN;

/// <summary>
/// Module hooks against PyTorch 1.13 (Reference/module_hooks.json, written by tests/reference/hooks_reference.py): the
/// same Linear(3, 2) → Tanh with the same hooks logs the same calls there, in the same order, with the same gradients.
/// </summary>
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class ModuleHookTests
{
    private static readonly Lazy<JsonElement> Torch = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "module_hooks.json"))).RootElement);

    private static string[] Strings(JsonElement array) => array.EnumerateArray().Select(e => e.GetString()!).ToArray();

    private static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    private static Linear MakeLinear(double[] bias)
    {
        var linear = new Linear(3, 2, dtype: DType.Float64);
        using (Autograd.NoGrad())
        {
            linear.Weight.Copy_(Tensor.From(new[,] { { 0.1, -0.2, 0.3 }, { 0.4, 0.5, -0.6 } }));
            linear.Bias!.Copy_(Tensor.From(bias));
        }
        return linear;
    }

    private static string Values(Tensor t, int digits) =>
        "[" + string.Join(", ", t.ToDoubleArray().Select(v => Math.Round(v, digits).ToString("R", CultureInfo.InvariantCulture))) + "]";

    [Fact]
    public void Hooks_run_in_PyTorch_s_order_with_its_gradients_and_handles_remove_them()
    {
        var linear = MakeLinear([0.05, -0.05]);
        var model = new Sequential(linear, new Tanh());
        var log = new List<string>();
        Func<Module, Tensor?[], Tensor?[], Tensor?[]?> backward = (m, gi, go) =>
        {
            log.Add($"bw {m.GetType().Name} gi={(gi[0] is null ? "None" : Values(gi[0]!, 12))} go={Values(go[0]!, 12)}");
            return null;
        };
        using var h1 = linear.RegisterForwardPreHook((_, _) => { log.Add("pre1"); return null; });
        var h2 = linear.RegisterForwardPreHook((_, i) => { log.Add("pre2"); return [(Tensor)i[0]! * 2]; });
        using var h3 = linear.RegisterForwardHook((_, i, o) => { log.Add($"fwd1 in={Values((Tensor)i[0]!, 10)} out={Values((Tensor)o!, 10)}"); return null; });
        using var h4 = model.RegisterForwardHook((_, _, _) => { log.Add("seq fwd"); return null; });
        var h5 = linear.RegisterFullBackwardHook(backward);
        using var h6 = model[1].RegisterFullBackwardHook(backward);

        var x = Tensor.From(new[] { 1.0, -1.0, 0.5 }).RequiresGrad_();
        var y = model.Call(x);
        var torch = Torch.Value;
        Assert.Equal(torch.GetProperty("grad_fn").GetString(), y.GradFn!.Name);
        Assert.Equal(torch.GetProperty("next").GetString(), y.GradFn.NextFunctions[0]!.Name);
        y.Sum().Backward();
        Assert.Equal(Strings(torch.GetProperty("log")), log);
        TensorAssert.Close(Doubles(torch.GetProperty("x_grad")), x.Grad!, rtol: 1e-12);

        log.Clear();
        h2.Dispose();
        h5.Dispose();
        h5.Dispose();   // twice: nothing more
        model.Call(Tensor.From(new[] { 1.0, -1.0, 0.5 })).Sum().Backward();
        Assert.Equal(Strings(torch.GetProperty("log_after_removal")), log);
    }

    [Fact]
    public void A_backward_hook_can_replace_the_input_gradient_and_a_forward_hook_the_output()
    {
        var linear = MakeLinear([0.0, 0.0]);
        linear.RegisterFullBackwardHook((_, gi, _) => [gi[0]! * 10]);
        var x = Tensor.From(new[] { 1.0, -1.0, 0.5 }).RequiresGrad_();
        linear.Call(x).Sum().Backward();
        TensorAssert.Close([5.0, 3.0, -3.0], x.Grad!, rtol: 1e-12);
        linear.RegisterForwardHook((_, _, o) => (Tensor)o! * 0 + 7);
        TensorAssert.Close([7.0, 7.0], linear.Call(x));
    }

    [Fact]
    public void Forward_alone_runs_no_hooks_as_module_forward_in_PyTorch()
    {
        var linear = MakeLinear([0.0, 0.0]);
        int calls = 0;
        linear.RegisterForwardHook((_, _, _) => { calls++; return null; });
        linear.Forward(Tensor.From(new[] { 1.0, 2.0, 3.0 }));
        Assert.Equal(0, calls);
        linear.Call(Tensor.From(new[] { 1.0, 2.0, 3.0 }));
        Assert.Equal(1, calls);
    }

    [Fact]
    public void A_pre_hook_must_return_as_many_inputs_as_the_module_takes()
    {
        var linear = MakeLinear([0.0, 0.0]);
        linear.RegisterForwardPreHook((_, i) => [i[0], i[0]]);
        var e = Assert.Throws<InvalidOperationException>(() => linear.Call(Tensor.From(new[] { 1.0, 2.0, 3.0 })));
        Assert.Equal("Linear: a forward pre-hook returned 2 inputs; the module takes 1", e.Message);
    }

    private sealed class ProductPlusFirst : Module<Tensor, Tensor, Tensor>
    {
        public override Tensor Forward(Tensor a, Tensor b) => a * b + a;
    }

    [Fact]
    public void A_backward_hook_on_two_inputs_that_require_grad_sees_and_replaces_both()
    {
        var torch = Torch.Value.GetProperty("two_inputs");
        var module = new ProductPlusFirst();
        Tensor?[]? seenInput = null, seenOutput = null;
        module.RegisterFullBackwardHook((_, gi, go) => { seenInput = gi; seenOutput = go; return [gi[0]! * 2, gi[1]! * 3]; });
        var a = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var b = Tensor.From(new[] { 3.0, -1.0 }).RequiresGrad_();
        var y = module.Call(a, b);
        Assert.Equal("BackwardHookFunctionBackward", y.GradFn!.Name);
        Assert.Equal(torch.GetProperty("next").GetString(), y.GradFn.NextFunctions[0]!.Name);
        (y * Tensor.From(new[] { 1.0, 10.0 })).Sum().Backward();
        TensorAssert.Close(Doubles(torch.GetProperty("grad_input")[0]), seenInput![0]!);
        TensorAssert.Close(Doubles(torch.GetProperty("grad_input")[1]), seenInput[1]!);
        TensorAssert.Close(Doubles(torch.GetProperty("grad_output")[0]), seenOutput![0]!);
        TensorAssert.Close(Doubles(torch.GetProperty("a_grad")), a.Grad!);
        TensorAssert.Close(Doubles(torch.GetProperty("b_grad")), b.Grad!);
    }

    [Fact]
    public void Hooks_on_a_loss_see_both_inputs()
    {
        var loss = new MSELoss();
        object?[]? seen = null;
        Tensor?[]? gradInput = null;
        loss.RegisterForwardPreHook((_, i) => { seen = i; return null; });
        loss.RegisterFullBackwardHook((_, gi, _) => { gradInput = gi; return null; });
        var input = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var target = Tensor.From(new[] { 0.0, 0.0 });
        loss.Call(input, target).Backward();
        Assert.Equal(2, seen!.Length);
        Assert.Same(target, seen[1]);
        TensorAssert.Close([1.0, 2.0], gradInput![0]!);   // d/dx mean((x − t)²) = (x − t)
        Assert.Null(gradInput[1]);
    }
}
