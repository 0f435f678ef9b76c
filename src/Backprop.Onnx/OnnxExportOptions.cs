namespace Backprop.Onnx;

/// <summary>
/// How <see cref="Onnx.Export(Backprop.NN.Module, Tensor[], string, OnnxExportOptions?)"/> names and shapes the
/// graph; like torch.onnx.export's input_names, output_names and dynamic_axes arguments.
/// </summary>
public sealed record OnnxExportOptions
{
    /// <summary>The graph inputs' names, one per example input; default "input" (one input) or "input0", "input1", ….</summary>
    public IReadOnlyList<string>? InputNames { get; init; }

    /// <summary>The graph output's name; default "output".</summary>
    public string OutputName { get; init; } = "output";

    /// <summary>
    /// When true (the default), dim 0 of every input and of the output is the symbolic "batch" size, so the model runs
    /// on any batch size, as torch.onnx.export's dynamic_axes={name: {0: "batch"}}. When false, every shape is the
    /// example's.
    /// </summary>
    public bool DynamicBatch { get; init; } = true;

    /// <summary>The graph's name; default the module's type name.</summary>
    public string? GraphName { get; init; }

    /// <summary>A description stored in the model (ModelProto.doc_string); default none.</summary>
    public string? DocString { get; init; }
}
