using Backprop.NN;

namespace Backprop.Onnx.Tests;

/// <summary>
/// The export's specification: ONNX Runtime, running the exported file, computes Backprop's forward (eval mode) to
/// 1e-5 in Float32, on fresh random inputs of the example's batch size (3) and of another (5, and 1).
/// </summary>
public class OnnxRuntimeAgreementTests
{
    public static TheoryData<string> Models => new(ExportedModels.Names);

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_runtime_computes_the_forward_of_the_exported_model(string name)
    {
        var (model, input) = ExportedModels.Build(name);
        var bytes = Onnx.ExportToBytes(model, [input(3)]);
        foreach (int batch in new[] { 3, 5, 1 })
        {
            var x = input(batch);
            Tensor expected;
            model.Eval();
            using (Autograd.NoGrad()) expected = model.Forward(x);
            var actual = OnnxRuntimeRunner.Run(bytes, x);
            AssertClose(expected, actual, $"{name}, batch {batch}");
        }
    }

    [Fact]
    public void Export_leaves_each_module_in_its_own_training_mode()
    {
        var (model, input) = ExportedModels.Build("cnn-zoo");
        model.Train();
        ((Sequential)model)[1].Eval();
        Onnx.ExportToBytes(model, [input(2)]);
        Assert.True(model.Training);
        Assert.False(((Sequential)model)[1].Training);
        Assert.True(((Sequential)model)[6].Training);
    }

    [Fact]
    public void Two_input_module_exports_with_both_inputs_named()
    {
        Tensor.ManualSeed(1);
        var model = new Bilinear();
        var (a, b) = (Tensor.Randn([3, 4]), Tensor.Randn([3, 4]));
        var bytes = Onnx.ExportToBytes(model, [a, b], new OnnxExportOptions { InputNames = ["left", "right"], OutputName = "score" });
        var proto = Proto.ModelProto.Parser.ParseFrom(bytes);
        Assert.Equal(["left", "right"], proto.Graph.Input.Select(i => i.Name));
        Assert.Equal("score", proto.Graph.Output.Single().Name);
        var (c, d) = (Tensor.Randn([6, 4]), Tensor.Randn([6, 4]));
        Tensor expected;
        using (Autograd.NoGrad()) expected = model.Forward(c, d);
        AssertClose(expected, OnnxRuntimeRunner.Run(bytes, c, d), "two inputs");
    }

    [Fact]
    public void Parameters_are_initializers_named_by_the_state_dict_and_dim_0_is_the_batch()
    {
        var (model, input) = ExportedModels.Build("cnn");
        var proto = Proto.ModelProto.Parser.ParseFrom(Onnx.ExportToBytes(model, [input(3)]));
        Assert.Equal(17, proto.OpsetImport.Single().Version);
        Assert.Equal(8, proto.IrVersion);
        var names = proto.Graph.Initializer.Select(i => i.Name).ToHashSet();
        foreach (var key in model.StateDict().Keys) Assert.Contains(key, names);
        Assert.Equal(["Conv", "Relu", "MaxPool", "Conv", "Relu", "MaxPool", "Reshape", "Gemm", "Identity"], proto.Graph.Node.Select(n => n.OpType));
        Assert.Equal("batch", proto.Graph.Input.Single().Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal([1L, 28, 28], proto.Graph.Input.Single().Type.TensorType.Shape.Dim.Skip(1).Select(d => d.DimValue));
        Assert.Equal("batch", proto.Graph.Output.Single().Type.TensorType.Shape.Dim[0].DimParam);
        Assert.Equal(10, proto.Graph.Output.Single().Type.TensorType.Shape.Dim[1].DimValue);
    }

    [Fact]
    public void Without_a_dynamic_batch_every_shape_is_the_example_s()
    {
        var (model, input) = ExportedModels.Build("mlp");
        var proto = Proto.ModelProto.Parser.ParseFrom(Onnx.ExportToBytes(model, [input(3)], new OnnxExportOptions { DynamicBatch = false }));
        Assert.Equal([3L, 1, 28, 28], proto.Graph.Input.Single().Type.TensorType.Shape.Dim.Select(d => d.DimValue));
        Assert.Equal([3L, 10], proto.Graph.Output.Single().Type.TensorType.Shape.Dim.Select(d => d.DimValue));
    }

    [Fact]
    public void A_zero_state_sized_by_the_batch_becomes_ConstantOfShape_of_the_input_s_batch()
    {
        var (model, input) = ExportedModels.Build("lstm");
        var proto = Proto.ModelProto.Parser.ParseFrom(Onnx.ExportToBytes(model, [input(3)]));
        Assert.Contains("ConstantOfShape", proto.Graph.Node.Select(n => n.OpType));
        Assert.DoesNotContain(proto.Graph.Initializer, i => i.Dims.Count == 2 && i.Dims[0] == 3 && i.Dims[1] == 7);   // no [3, 7] zeros baked in
    }

    [Fact]
    public void Sizes_that_follow_the_batch_become_0_or_minus_1_in_reshapes()
    {
        var (model, input) = ExportedModels.Build("gpt");
        var proto = Proto.ModelProto.Parser.ParseFrom(Onnx.ExportToBytes(model, [input(3)]));
        var shapes = proto.Graph.Node.Where(n => n.OpType == "Reshape")
            .Select(n => proto.Graph.Initializer.Single(i => i.Name == n.Input[1]))
            .Select(t => string.Join(",", Enumerable.Range(0, (int)t.Dims[0]).Select(k => BitConverter.ToInt64(t.RawData.Span.Slice(8 * k, 8)))))
            .ToList();
        Assert.Contains("0,8,2,8", shapes);   // q, k, v: View(b, t, heads, hs), b copied from the input
        Assert.Contains("0,8,16", shapes);    // the heads joined: View(b, t, c)
        Assert.DoesNotContain(shapes, s => s.StartsWith("3,"));
    }

    [Fact]
    public async Task Exports_on_several_threads_at_once_each_record_only_their_own_forward()
    {
        // A tracer is per thread: four threads export while four others run unrelated ops (which must not leak into a graph).
        // Each export has its own module (a module is not to be used by two threads at once), built with the same seed.
        string[] names = ["mlp", "gpt", "lstm", "op-zoo"];
        var built = Enumerable.Range(0, names.Length * 3).Select(k => ExportedModels.Build(names[k % names.Length])).ToArray();
        var inputs = Enumerable.Range(0, names.Length).Select(i => built[i].Input(3)).ToArray();
        var noise = Enumerable.Range(0, 4).Select(_ => Tensor.Randn([64, 64])).ToArray();
        using var stop = new CancellationTokenSource();
        var noisy = noise.Select(m => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested) _ = m.MatMul(m).Cumsum(0).Softmax(1).Sum();
        })).ToArray();
        var files = new byte[names.Length][][];
        Parallel.For(0, names.Length * 3, new ParallelOptions { MaxDegreeOfParallelism = 4 }, k =>
        {
            int i = k % names.Length;
            var bytes = Onnx.ExportToBytes(built[k].Model, [inputs[i]]);
            lock (files) (files[i] ??= new byte[3][])[k / names.Length] = bytes;
        });
        stop.Cancel();
        await Task.WhenAll(noisy);
        for (int i = 0; i < names.Length; i++)
        {
            Assert.Equal(files[i][0], files[i][1]);   // the same model gives the same file, byte for byte
            Assert.Equal(files[i][0], files[i][2]);
            var x = built[i].Input(4);
            Tensor expected;
            built[i].Model.Eval();
            using (Autograd.NoGrad()) expected = built[i].Model.Forward(x);
            AssertClose(expected, OnnxRuntimeRunner.Run(files[i][0], x), names[i]);
        }
    }

    internal static void AssertClose(Tensor expected, Tensor actual, string what)
    {
        Assert.Equal(expected.Shape.ToArray(), actual.Shape.ToArray());
        var e = expected.To(DType.Float64).ToArray<double>();
        var a = actual.To(DType.Float64).ToArray<double>();
        for (int i = 0; i < e.Length; i++)
            Assert.True(double.IsFinite(e[i]) && Math.Abs(e[i] - a[i]) <= 1e-5 * Math.Max(1, Math.Abs(e[i])),
                $"{what}: element {i} is {a[i]:R} in ONNX Runtime, {e[i]:R} in Backprop");
    }

    private sealed class Bilinear : Module<Tensor, Tensor, Tensor>
    {
        private readonly Linear _left;
        private readonly Linear _right;

        public Bilinear()
        {
            _left = RegisterModule("left", new Linear(4, 5));
            _right = RegisterModule("right", new Linear(4, 5));
        }

        public override Tensor Forward(Tensor a, Tensor b) => _left.Forward(a).Mul(_right.Forward(b)).Sum(1);
    }
}
