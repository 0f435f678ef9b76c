using Backprop.IO;
using Backprop.NN;
using Backprop.Onnx.Proto;
using Google.Protobuf;

namespace Backprop.Onnx;

/// <summary>
/// ONNX export by tracing, like torch.onnx.export: the module's forward runs once in eval mode under no-grad on the
/// example inputs, the ops it calls are recorded, and the graph is written as an ONNX model (opset 17, IR version 8)
/// with the parameters and buffers as initializers named by the state dict. An op with no ONNX mapping fails the
/// export with its name (docs/onnx.md lists the mappings); nothing is written then.
/// </summary>
/// <remarks>
/// As with any tracer, the graph is the path this example took: Python-side (here C#-side) control flow and values
/// read out of tensors (Item, ToArray) are fixed at their traced values, and sizes other than the batch are the
/// example's. Tracing runs on the calling thread and sees only its ops (a forward that runs tensor ops on other threads
/// is not supported); do not use the module from another thread meanwhile. Exports of different modules on different
/// threads may run at once.
/// </remarks>
public static class Onnx
{
    /// <summary>The ONNX opset the exporter writes.</summary>
    public const int OpsetVersion = 17;

    /// <summary>The ONNX IR version of the files (8: ONNX 1.10 and later, ONNX Runtime 1.10 and later).</summary>
    public const int IrVersion = 8;

    /// <summary>Exports a one-input module to path (written atomically); like torch.onnx.export(model, x, path).</summary>
    public static void Export(Module<Tensor, Tensor> module, Tensor exampleInput, string path, OnnxExportOptions? options = null)
        => Export(module, [exampleInput], path, options);

    /// <summary>
    /// Exports module (one input: <see cref="Module{TIn, TOut}"/> of tensors; two: <see cref="Module{TIn1, TIn2, TOut}"/>)
    /// traced on exampleInputs, to path: the file is written completely or not at all (a temporary file renamed into
    /// place). Like torch.onnx.export(model, args, path, input_names, output_names, dynamic_axes, opset_version=17).
    /// </summary>
    public static void Export(Module module, Tensor[] exampleInputs, string path, OnnxExportOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var model = ToModel(module, exampleInputs, options);
        AtomicFile.Write(path, stream => model.WriteTo(stream));
    }

    /// <summary>The ONNX model of module traced on exampleInputs, as the bytes of an .onnx file.</summary>
    public static byte[] ExportToBytes(Module module, Tensor[] exampleInputs, OnnxExportOptions? options = null)
        => ToModel(module, exampleInputs, options).ToByteArray();

    internal static ModelProto ToModel(Module module, Tensor[] exampleInputs, OnnxExportOptions? options)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(exampleInputs);
        options ??= new OnnxExportOptions();
        var forward = ForwardOf(module, exampleInputs.Length);
        for (int i = 0; i < exampleInputs.Length; i++)
            if (exampleInputs[i] is null) throw new ArgumentNullException(nameof(exampleInputs), $"Onnx.Export: example input {i} is null");
        var inputNames = options.InputNames ?? (exampleInputs.Length == 1 ? ["input"] : exampleInputs.Select((_, i) => $"input{i}").ToArray());
        if (inputNames.Count != exampleInputs.Length)
            throw new ArgumentException($"Onnx.Export: {inputNames.Count} input names for {exampleInputs.Length} example inputs");
        int? batch = null;
        if (options.DynamicBatch)
        {
            foreach (var x in exampleInputs)
                if (x.Dim == 0) throw new ArgumentException("Onnx.Export: a 0-d example input has no batch dim; set DynamicBatch = false");
            batch = exampleInputs[0].Shape[0];
            foreach (var x in exampleInputs)
                if (x.Shape[0] != batch)
                    throw new ArgumentException($"Onnx.Export: the example inputs disagree on the batch size (dim 0): {batch} and {x.Shape[0]}");
        }

        var (tracer, output) = Trace(module, forward, exampleInputs);
        Dictionary<TracedOp, TracedOp>? atOtherBatch = null;
        Dictionary<Tensor, Tensor>? constantsThere = null;
        if (batch is { } b)
        {
            // A second trace, one sample more (the first sample repeated), tells which sizes in reshapes, expands and
            // slices follow the batch: those become -1, 0 or "to the end" in the graph.
            var grown = exampleInputs.Select(x => Tensor.Cat([x, x.Narrow(0, 0, 1)])).ToArray();
            var (other, _) = Trace(module, forward, grown);
            atOtherBatch = PairShapeOps(tracer, other, b);
            constantsThere = PairConstants(tracer, other, b);
        }

        var builder = new OnnxGraphBuilder(tracer, batch, atOtherBatch, constantsThere);
        for (int i = 0; i < exampleInputs.Length; i++) builder.AddInput(exampleInputs[i], inputNames[i], options.DynamicBatch);
        foreach (var (name, p) in module.NamedParameters()) builder.AddParameter(p, name);
        foreach (var (name, buffer) in module.NamedBuffers()) builder.AddParameter(buffer, name);
        builder.AddOutput(output, options.OutputName, options.DynamicBatch);
        builder.Graph.Name = options.GraphName ?? module.GetType().Name;

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Backprop.Onnx",
            ProducerVersion = typeof(Onnx).Assembly.GetName().Version?.ToString(3) ?? "0.1.0",
            Graph = builder.Graph,
            DocString = options.DocString ?? "",
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = OpsetVersion });
        return model;
    }

    /// <summary>Runs forward on inputs in eval mode under no-grad with a tracer; every module's own training mode is restored after.</summary>
    private static (ForwardTracer Tracer, Tensor Output) Trace(Module module, Func<Tensor[], Tensor> forward, Tensor[] inputs)
    {
        var tracer = new ForwardTracer();
        Tensor output;
        var modes = module.Modules().Select(m => (Module: m, m.Training)).ToList();
        module.Eval();
        try
        {
            using (Autograd.NoGrad())
            using (Tracing.Begin(tracer))
                output = forward(inputs);
        }
        finally
        {
            foreach (var (m, training) in modes) m.Train(training);   // pre-order: each module's own mode wins over its parent's
        }
        return (tracer, output ?? throw new InvalidOperationException("Onnx.Export: the module's forward returned null"));
    }

    /// <summary>The shape-carrying ops of trace a paired with those of trace b (one sample more), in call order.</summary>
    private static Dictionary<TracedOp, TracedOp> PairShapeOps(ForwardTracer a, ForwardTracer b, int batch)
    {
        var (opsA, opsB) = (a.ShapeOpsInOrder, b.ShapeOpsInOrder);
        for (int i = 0; i < Math.Max(opsA.Count, opsB.Count); i++)
            if (i >= opsA.Count || i >= opsB.Count || opsA[i].Name != opsB[i].Name)
                throw new NotSupportedException(
                    $"Onnx.Export: the forward calls different ops at batch size {batch} and {batch + 1}, so no one graph serves every batch size; " +
                    "export with DynamicBatch = false");
        var pairs = new Dictionary<TracedOp, TracedOp>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < opsA.Count; i++) pairs[opsA[i]] = opsB[i];
        return pairs;
    }

    /// <summary>The values the forward made in trace a paired with those of trace b (one sample more), in the order they were made.</summary>
    private static Dictionary<Tensor, Tensor> PairConstants(ForwardTracer a, ForwardTracer b, int batch)
    {
        var (ca, cb) = (a.ValuesInOrder, b.ValuesInOrder);
        if (ca.Count != cb.Count)
            throw new NotSupportedException(
                $"Onnx.Export: the forward makes {ca.Count} values at batch size {batch} and {cb.Count} at {batch + 1}, so no one graph serves " +
                "every batch size; export with DynamicBatch = false");
        var pairs = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < ca.Count; i++) pairs.TryAdd(ca[i], cb[i]);   // the first time a tensor appears: its creation
        return pairs;
    }

    private static Func<Tensor[], Tensor> ForwardOf(Module module, int inputs) => (module, inputs) switch
    {
        (Module<Tensor, Tensor> m, 1) => xs => m.Call(xs[0]),
        (Module<Tensor, Tensor, Tensor> m, 2) => xs => m.Call(xs[0], xs[1]),
        _ => throw new ArgumentException(
            $"Onnx.Export: {module.GetType().Name} with {inputs} example input(s): export takes a Module<Tensor, Tensor> with one input " +
            "or a Module<Tensor, Tensor, Tensor> with two"),
    };
}
