using Backprop;
using Backprop.NN;

namespace Backprop.Tests.NN;

public class ModuleTests
{
    /// <summary>y = x·w + b, registered by hand, so these tests need no layer from the library.</summary>
    private sealed class Affine : Module<Tensor, Tensor>
    {
        public readonly Parameter Weight;
        public readonly Parameter? Bias;

        public Affine(int n, bool bias = true, double start = 0)
        {
            Weight = RegisterParameter("weight", new Parameter(Tensor.From(Enumerable.Range(0, n).Select(i => start + i).ToArray())))!;
            Bias = RegisterParameter("bias", bias ? new Parameter(Tensor.From(new[] { start })) : null);
            RegisterBuffer("calls", Tensor.Zeros([1], DType.Int64));
            RegisterBuffer("scratch", Tensor.Zeros(1), persistent: false);
        }

        public override Tensor Forward(Tensor input) => Bias is null ? (input * Weight).Sum() : (input * Weight).Sum() + Bias;
    }

    private sealed class Encoder : Module<Tensor, Tensor>
    {
        public readonly Sequential Layers;

        public Encoder()
        {
            Layers = RegisterModule("layers", new Sequential(new Affine(2), new Affine(1, bias: false, start: 5)));
            RegisterModule("head", new Affine(1, start: 9));
        }

        public override Tensor Forward(Tensor input) => Layers.Forward(input);
    }

    [Fact]
    public void NamedParameters_use_PyTorchs_dotted_names_in_registration_order()
    {
        var names = new Encoder().NamedParameters().Select(p => p.Name).ToArray();
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.1.weight", "head.weight", "head.bias"], names);
    }

    [Fact]
    public void Parameters_are_leaves_that_require_grad()
    {
        foreach (var p in new Encoder().Parameters())
        {
            Assert.True(p.IsLeaf);
            Assert.True(p.RequiresGrad);
        }
        var frozen = new Parameter(Tensor.Ones(2), requiresGrad: false);
        Assert.False(frozen.RequiresGrad);
    }

    [Fact]
    public void A_parameter_shares_the_storage_of_its_data_and_is_detached()
    {
        var data = Tensor.Ones(2).RequiresGrad_() * 2;
        var p = new Parameter(data);
        Assert.True(p.SharesStorageWith(data));
        Assert.True(p.IsLeaf);
    }

    [Fact]
    public void A_parameter_registered_twice_is_listed_once()
    {
        var shared = new Affine(2);
        var model = new Sequential(shared, shared);
        Assert.Equal(2, model.Parameters().Count());
        Assert.Equal(["0.weight", "0.bias"], model.NamedParameters().Select(p => p.Name).ToArray());
    }

    [Fact]
    public void Children_and_modules_walk_the_tree()
    {
        var model = new Encoder();
        Assert.Equal(["layers", "head"], model.NamedChildren().Select(c => c.Name).ToArray());
        Assert.Equal(["", "layers", "layers.0", "layers.1", "head"], model.NamedModules().Select(m => m.Name).ToArray());
        Assert.Equal(5, model.Modules().Count());
    }

    [Fact]
    public void Train_and_Eval_set_the_flag_on_every_descendant()
    {
        var model = new Encoder();
        Assert.All(model.Modules(), m => Assert.True(m.Training));
        model.Eval();
        Assert.All(model.Modules(), m => Assert.False(m.Training));
        model.Train();
        Assert.All(model.Modules(), m => Assert.True(m.Training));
    }

    [Fact]
    public void StateDict_holds_parameters_and_persistent_buffers()
    {
        var state = new Affine(2).StateDict();
        Assert.Equal(["weight", "bias", "calls"], state.Keys.ToArray());
        Assert.False(state["weight"].RequiresGrad);
    }

    [Fact]
    public void LoadStateDict_copies_values_and_keeps_the_parameters()
    {
        var source = new Affine(3, start: 10);
        var target = new Affine(3);
        var weight = target.Weight;
        var result = target.LoadStateDict(source.StateDict());
        Assert.Same(weight, target.Weight);
        TensorAssert.Close([10, 11, 12], target.Weight);
        TensorAssert.Close([10], target.Bias!);
        Assert.Empty(result.MissingKeys);
        Assert.Empty(result.UnexpectedKeys);
    }

    [Fact]
    public void Strict_LoadStateDict_names_missing_and_unexpected_keys()
    {
        var state = new Dictionary<string, Tensor> { ["weight"] = Tensor.Zeros([2], DType.Float64), ["extra"] = Tensor.Zeros(1) };
        var target = new Affine(2);
        var ex = Assert.Throws<ArgumentException>(() => target.LoadStateDict(state));
        Assert.Contains("Missing key(s) in state_dict: \"bias\", \"calls\".", ex.Message);
        Assert.Contains("Unexpected key(s) in state_dict: \"extra\".", ex.Message);
        TensorAssert.Close([0, 1], target.Weight);   // nothing copied
        var result = target.LoadStateDict(state, strict: false);
        Assert.Equal(["bias", "calls"], result.MissingKeys);
        Assert.Equal(["extra"], result.UnexpectedKeys);
        TensorAssert.Close([0, 0], target.Weight);
    }

    [Fact]
    public void LoadStateDict_reports_shape_mismatches_even_when_not_strict()
    {
        var state = new Affine(3).StateDict();
        var ex = Assert.Throws<ArgumentException>(() => new Affine(2).LoadStateDict(state, strict: false));
        Assert.Contains("size mismatch for weight: copying a param with shape [3] from checkpoint, the shape in current model is [2].", ex.Message);
    }

    [Fact]
    public void ZeroGrad_clears_every_parameter()
    {
        var model = new Encoder();
        model.Forward(Tensor.From(new[] { 1.0, 2.0 })).Backward();
        Assert.NotNull(model.Layers[0] is Affine a ? a.Weight.Grad : null);
        model.ZeroGrad();
        Assert.All(model.Parameters(), p => Assert.Null(p.Grad));
    }

    [Fact]
    public void Sequential_runs_its_layers_in_order()
    {
        var model = new Sequential(new Affine(2), new Affine(1, bias: false, start: 5));
        Assert.Equal(2, model.Count);
        // first: 1·0 + 2·1 + 0 = 2; second: 2·5 = 10
        TensorAssert.Close(10.0, model.Forward(Tensor.From(new[] { 1.0, 2.0 })));
        Assert.Same(model[1], model[-1]);
        Assert.Throws<ArgumentOutOfRangeException>(() => model[2]);
    }

    [Fact]
    public void Registering_a_name_twice_as_different_kinds_throws()
    {
        Assert.Throws<ArgumentException>(() => new Clash());
    }

    private sealed class Clash : Module
    {
        public Clash()
        {
            RegisterParameter("w", new Parameter(Tensor.Zeros(1)));
            RegisterBuffer("w", Tensor.Zeros(1));
        }
    }
}
