using Backprop.NN;

namespace Backprop.Onnx.Tests;

/// <summary>What the export refuses, and how: an op with no mapping is named, an in-place write is refused, and a failed export leaves no file.</summary>
public class ExportFailureTests
{
    [Fact]
    public void A_differentiable_op_with_no_mapping_fails_the_export_with_its_name()
    {
        var model = new Lambda(x => x.Cumsum(1).Relu());
        var e = Assert.Throws<NotSupportedException>(() => Onnx.ExportToBytes(model, [Tensor.Randn([2, 3])]));
        Assert.Equal("Onnx.Export: the op Cumsum (grad_fn CumsumBackward0, result of shape [2, 3]) has no ONNX mapping; docs/onnx.md lists the supported ops", e.Message);
    }

    [Fact]
    public void An_op_that_reports_nothing_fails_the_export_with_the_public_method_that_made_its_result()
    {
        var model = new Lambda(x => x.Argsort(1).To(DType.Float32).Mul(x));   // Argsort sorts outside the op layer's reports
        var e = Assert.Throws<NotSupportedException>(() => Onnx.ExportToBytes(model, [Tensor.Randn([2, 3])]));
        Assert.Equal("Onnx.Export: the forward uses Tensor.Argsort (a tensor of shape [2, 3], torch.int64), which has no ONNX mapping; docs/onnx.md lists the supported ops", e.Message);
    }

    [Fact]
    public void An_in_place_write_to_a_traced_value_fails_the_export()
    {
        var linear = new Linear(3, 2);
        var model = new Lambda(x => linear.Forward(x).Add_(1), linear);
        var e = Assert.Throws<NotSupportedException>(() => Onnx.ExportToBytes(model, [Tensor.Randn([2, 3])]));
        Assert.Equal("Onnx.Export: Tensor.Add_ writes in place to a tensor the graph reads (linear, shape [2, 2]); " +
            "an ONNX graph has no in-place ops: use the out-of-place form (Add instead of Add_)", e.Message);
    }

    [Fact]
    public void A_constant_that_follows_the_batch_with_varying_values_fails_the_export()
    {
        var model = new Lambda(x => x.Add(Tensor.Arange(x.Shape[0]).To(DType.Float32).Unsqueeze(1)));
        var e = Assert.Throws<NotSupportedException>(() => Onnx.ExportToBytes(model, [Tensor.Randn([3, 2])]));
        Assert.StartsWith("Onnx.Export: the forward makes a constant of shape [3] whose size follows the batch and whose elements differ", e.Message);
        var x = Tensor.Randn([3, 2]);   // without a dynamic batch it is an ordinary constant
        OnnxRuntimeAgreementTests.AssertClose(model.Forward(x), OnnxRuntimeRunner.Run(Onnx.ExportToBytes(model, [x], new OnnxExportOptions { DynamicBatch = false }), x), "static batch");
    }

    [Fact]
    public void A_forward_whose_ops_change_with_the_batch_size_fails_a_dynamic_export()
    {
        var model = new Lambda(x => x.Shape[0] % 2 == 1 ? x.Reshape(-1) : x.T.Reshape(-1));
        var e = Assert.Throws<NotSupportedException>(() => Onnx.ExportToBytes(model, [Tensor.Randn([3, 2])]));
        Assert.Matches(@"^Onnx\.Export: the forward makes \d+ values at batch size 3 and \d+ at 4, so no one graph serves every batch size; export with DynamicBatch = false$", e.Message);
    }

    [Fact]
    public void Squeezing_a_batch_of_one_fails_a_dynamic_export_and_exports_with_a_static_batch()
    {
        var model = new Lambda(x => x.Squeeze().Sigmoid());
        var e = Assert.Throws<NotSupportedException>(() => Onnx.ExportToBytes(model, [Tensor.Randn([1, 3, 1])]));
        Assert.StartsWith("Onnx.Export: squeeze of a tensor of shape [1, 3, 1] takes sizes or positions that change with the batch size", e.Message);
        var x = Tensor.Randn([1, 3, 1]);
        OnnxRuntimeAgreementTests.AssertClose(model.Forward(x), OnnxRuntimeRunner.Run(Onnx.ExportToBytes(model, [x], new OnnxExportOptions { DynamicBatch = false }), x), "static");
        var y = Tensor.Randn([4, 3, 1]);   // at another example batch the batch dim stays, and any batch runs
        var bytes = Onnx.ExportToBytes(model, [y]);
        var z = Tensor.Randn([2, 3, 1]);
        OnnxRuntimeAgreementTests.AssertClose(model.Forward(z), OnnxRuntimeRunner.Run(bytes, z), "dynamic");
    }

    [Fact]
    public void An_unused_op_with_no_mapping_does_not_matter()
    {
        var model = new Lambda(x =>
        {
            _ = x.Cumsum(0);   // computed, never used by the output
            return x.Sigmoid();
        });
        var x = Tensor.Randn([2, 3]);
        OnnxRuntimeAgreementTests.AssertClose(x.Sigmoid(), OnnxRuntimeRunner.Run(Onnx.ExportToBytes(model, [x]), x), "unused cumsum");
    }

    [Fact]
    public void A_failed_export_leaves_the_previous_file_untouched_and_no_temporary_file()
    {
        var dir = Directory.CreateTempSubdirectory("onnx-export-");
        try
        {
            var path = Path.Combine(dir.FullName, "model.onnx");
            File.WriteAllText(path, "the previous model");
            var bad = new Lambda(x => x.Cumsum(1));
            Assert.Throws<NotSupportedException>(() => Onnx.Export(bad, [Tensor.Randn([2, 3])], path));
            Assert.Equal("the previous model", File.ReadAllText(path));
            Assert.Equal(["model.onnx"], Directory.GetFiles(dir.FullName).Select(Path.GetFileName));

            var (model, input) = ExportedModels.Build("mlp");
            Onnx.Export(model, [input(2)], path);
            Assert.Equal(["model.onnx"], Directory.GetFiles(dir.FullName).Select(Path.GetFileName));
            var x = input(4);
            Tensor expected;
            using (Autograd.NoGrad()) expected = model.Forward(x);
            OnnxRuntimeAgreementTests.AssertClose(expected, OnnxRuntimeRunner.Run(File.ReadAllBytes(path), x), "written file");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void A_write_that_fails_midway_leaves_the_previous_file()
    {
        var dir = Directory.CreateTempSubdirectory("onnx-export-");
        try
        {
            // The destination is a directory's name: the rename fails after the model is written to the temporary file.
            var path = Path.Combine(dir.FullName, "taken");
            Directory.CreateDirectory(path);
            var (model, input) = ExportedModels.Build("regression");
            Assert.ThrowsAny<IOException>(() => Onnx.Export(model, [input(2)], path));
            Assert.Empty(Directory.GetFiles(dir.FullName));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Bad_arguments_are_refused_in_the_user_s_terms()
    {
        var (model, input) = ExportedModels.Build("mlp");
        Assert.Equal("Onnx.Export: the example inputs disagree on the batch size (dim 0): 2 and 3",
            Assert.Throws<ArgumentException>(() => Onnx.ExportToBytes(new Lambda2(), [input(2), input(3)])).Message);
        Assert.Equal("Onnx.Export: Sequential with 2 example input(s): export takes a Module<Tensor, Tensor> with one input or a Module<Tensor, Tensor, Tensor> with two",
            Assert.Throws<ArgumentException>(() => Onnx.ExportToBytes(model, [input(2), input(2)])).Message);
        Assert.Equal("Onnx.Export: 2 input names for 1 example inputs",
            Assert.Throws<ArgumentException>(() => Onnx.ExportToBytes(model, [input(2)], new OnnxExportOptions { InputNames = ["a", "b"] })).Message);
    }

    /// <summary>A module whose forward is a function (and that owns the given modules' parameters).</summary>
    private sealed class Lambda : Module<Tensor, Tensor>
    {
        private readonly Func<Tensor, Tensor> _forward;

        public Lambda(Func<Tensor, Tensor> forward, Module? child = null)
        {
            _forward = forward;
            if (child is not null) RegisterModule("child", child);
        }

        public override Tensor Forward(Tensor input) => _forward(input);
    }

    private sealed class Lambda2 : Module<Tensor, Tensor, Tensor>
    {
        public override Tensor Forward(Tensor a, Tensor b) => a.Add(b);
    }
}
