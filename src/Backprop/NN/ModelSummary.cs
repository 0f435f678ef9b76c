using System.Globalization;
using System.Text;

namespace Backprop.NN;

/// <summary>
/// A table of a model's layers for one input shape, as torchinfo's summary(model, input_size) prints it: each
/// module (depth-first, indented by depth), the shape of its output, its own parameter count and whether those are
/// trainable, then the totals and an estimate of the memory a forward and backward pass needs. Output shapes are
/// recorded by forward hooks during one forward pass on zeros under no-grad, so a module appears with a shape when
/// it was called through <see cref="Module{TIn, TOut}.Call"/> (as Sequential calls its children); a custom module
/// that calls a child's Forward directly leaves that child's shape as "--".
/// </summary>
public sealed class ModelSummary
{
    private const int NameWidth = 40, ColumnWidth = 25;

    private ModelSummary(IReadOnlyList<ModelSummaryRow> rows, long totalParams, long trainableParams, long inputBytes, long forwardBackwardBytes, long paramBytes)
    {
        Rows = rows;
        TotalParams = totalParams;
        TrainableParams = trainableParams;
        InputBytes = inputBytes;
        ForwardBackwardBytes = forwardBackwardBytes;
        ParamBytes = paramBytes;
    }

    /// <summary>One row per module, the model first, in depth-first order.</summary>
    public IReadOnlyList<ModelSummaryRow> Rows { get; }

    /// <summary>Every parameter value of the model, each tensor counted once.</summary>
    public long TotalParams { get; }

    /// <summary>The parameter values that require grad.</summary>
    public long TrainableParams { get; }

    /// <summary>TotalParams − TrainableParams.</summary>
    public long NonTrainableParams => TotalParams - TrainableParams;

    /// <summary>The input's bytes.</summary>
    public long InputBytes { get; }

    /// <summary>The leaf modules' outputs, counted twice (the values, and their gradients in backward), in bytes; as torchinfo estimates it.</summary>
    public long ForwardBackwardBytes { get; }

    /// <summary>The parameters' bytes.</summary>
    public long ParamBytes { get; }

    /// <summary>Input, forward/backward and parameter bytes together.</summary>
    public long EstimatedTotalBytes => InputBytes + ForwardBackwardBytes + ParamBytes;

    /// <summary>
    /// Runs model once on zeros of inputShape (in dtype, under no-grad, in its current training mode) and summarises
    /// it; like torchinfo.summary(model, input_size).
    /// </summary>
    public static ModelSummary Create(Module<Tensor, Tensor> model, int[] inputShape, DType dtype = DType.Float32)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputShape);
        var modules = new List<(string Name, Module Module, int Depth, int Index)>();
        Collect(model, "", 0, 1, modules);

        var outputs = new Dictionary<Module, int[]>(ReferenceEqualityComparer.Instance);
        var handles = new List<RemovableHandle>();
        try
        {
            foreach (var (_, module, _, _) in modules)
                handles.Add(module.RegisterForwardHook((m, _, output) =>
                {
                    if (output is Tensor t) outputs[m] = t.Shape.ToArray();
                    return null;
                }));
            var input = Tensor.Zeros(inputShape, dtype);
            using (Autograd.NoGrad()) model.Call(input);
        }
        finally
        {
            foreach (var handle in handles) handle.Dispose();
        }

        var rows = new List<ModelSummaryRow>();
        long forwardBackward = 0;
        foreach (var (name, module, depth, index) in modules)
        {
            var own = module.Parameters(recurse: false).ToList();
            long count = own.Sum(p => (long)p.Numel);
            string trainableText = own.Count == 0 ? "--" : own.All(p => p.RequiresGrad) ? "True" : own.Any(p => p.RequiresGrad) ? "Partial" : "False";
            var shape = outputs.TryGetValue(module, out var s) ? s : null;
            if (shape is not null && !module.Children().Any()) forwardBackward += 2L * Shapes.Numel(shape) * dtype.ItemSize();
            rows.Add(new ModelSummaryRow(name, TypeName(module), depth, index, shape, own.Count == 0 ? null : count, trainableText));
        }

        var all = model.Parameters().ToList();
        long total = all.Sum(p => (long)p.Numel);
        long trainableCount = all.Where(p => p.RequiresGrad).Sum(p => (long)p.Numel);
        long paramBytes = all.Sum(p => (long)p.Numel * p.DType.ItemSize());
        return new ModelSummary(rows, total, trainableCount, (long)Shapes.Numel(inputShape) * dtype.ItemSize(), forwardBackward, paramBytes);
    }

    /// <summary>The table as torchinfo prints it (sizes in MB of 10⁶ bytes).</summary>
    public override string ToString()
    {
        string rule = new('=', NameWidth + 3 * ColumnWidth);
        var text = new StringBuilder();
        text.AppendLine(rule);
        text.AppendLine(Row("Layer (type:depth-idx)", "Output Shape", "Param #", "Trainable"));
        text.AppendLine(rule);
        foreach (var row in Rows)
        {
            string label = row.Depth == 0 ? row.TypeName
                : string.Concat(Enumerable.Repeat("│    ", row.Depth - 1)) + (row.Depth == 1 ? "├─" : "└─") + $"{row.TypeName}: {row.Depth}-{row.Index}";
            text.AppendLine(Row(label, row.OutputShape is null ? "--" : Shapes.Format(row.OutputShape),
                row.Params is { } p ? p.ToString("N0", CultureInfo.InvariantCulture) : "--", row.Trainable));
        }
        text.AppendLine(rule);
        text.AppendLine($"Total params: {TotalParams.ToString("N0", CultureInfo.InvariantCulture)}");
        text.AppendLine($"Trainable params: {TrainableParams.ToString("N0", CultureInfo.InvariantCulture)}");
        text.AppendLine($"Non-trainable params: {NonTrainableParams.ToString("N0", CultureInfo.InvariantCulture)}");
        text.AppendLine(rule);
        text.AppendLine($"Input size (MB): {Megabytes(InputBytes)}");
        text.AppendLine($"Forward/backward pass size (MB): {Megabytes(ForwardBackwardBytes)}");
        text.AppendLine($"Params size (MB): {Megabytes(ParamBytes)}");
        text.AppendLine($"Estimated Total Size (MB): {Megabytes(EstimatedTotalBytes)}");
        text.Append(rule);
        return text.ToString();
    }

    private static string Row(string name, string shape, string parameters, string trainable) =>
        name.PadRight(NameWidth) + shape.PadRight(ColumnWidth) + parameters.PadRight(ColumnWidth) + trainable;

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("F2", CultureInfo.InvariantCulture);

    private static void Collect(Module module, string name, int depth, int index, List<(string, Module, int, int)> into)
    {
        into.Add((name, module, depth, index));
        int i = 1;
        foreach (var (childName, child) in module.NamedChildren())
            Collect(child, name.Length == 0 ? childName : name + "." + childName, depth + 1, i++, into);
    }

    private static string TypeName(Module module)
    {
        var name = module.GetType().Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}

/// <summary>One module's line in a <see cref="ModelSummary"/>.</summary>
/// <param name="Name">Its dotted name in the model ("" for the model itself).</param>
/// <param name="TypeName">Its class name.</param>
/// <param name="Depth">0 for the model, 1 for its children, and so on.</param>
/// <param name="Index">Its position among its parent's children, from 1.</param>
/// <param name="OutputShape">The shape of its output in the summary's forward pass; null when it was not called through Call.</param>
/// <param name="Params">The number of its own parameter values (not its children's); null when it has none.</param>
/// <param name="Trainable">"True", "False" or "Partial" for its own parameters; "--" when it has none.</param>
public sealed record ModelSummaryRow(string Name, string TypeName, int Depth, int Index, int[]? OutputShape, long? Params, string Trainable);
