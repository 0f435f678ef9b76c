namespace Backprop;

/// <summary>
/// How tensors print; like the options of torch.set_printoptions. Immutable: change them with
/// <see cref="Tensor.SetPrintOptions(int?, int?, int?, int?, bool?, PrintOptions?)"/> or pass a value to
/// <see cref="Tensor.ToString(PrintOptions)"/>.
/// </summary>
/// <param name="Precision">Digits after the decimal point (default 4).</param>
/// <param name="Threshold">Tensors with more elements than this print summarised, with "..." (default 1000).</param>
/// <param name="EdgeItems">Items kept at each end of each summarised dimension (default 3).</param>
/// <param name="LineWidth">Characters per line before a row wraps (default 80).</param>
/// <param name="SciMode">True or false forces scientific notation on or off; null lets the values decide.</param>
public sealed record PrintOptions(int Precision = 4, int Threshold = 1000, int EdgeItems = 3, int LineWidth = 80, bool? SciMode = null)
{
    /// <summary>PyTorch's defaults; like torch.set_printoptions(profile="default").</summary>
    public static PrintOptions Default { get; } = new();

    /// <summary>Fewer digits and edge items; like torch.set_printoptions(profile="short").</summary>
    public static PrintOptions Short { get; } = new(Precision: 2, EdgeItems: 2);

    /// <summary>Never summarise; like torch.set_printoptions(profile="full").</summary>
    public static PrintOptions Full { get; } = new(Threshold: int.MaxValue);

    internal void Validate()
    {
        if (Precision < 0) throw new ArgumentException($"SetPrintOptions: precision must be non-negative, got {Precision}");
        if (Threshold < 0) throw new ArgumentException($"SetPrintOptions: threshold must be non-negative, got {Threshold}");
        if (EdgeItems < 0) throw new ArgumentException($"SetPrintOptions: edgeItems must be non-negative, got {EdgeItems}");
        if (LineWidth < 1) throw new ArgumentException($"SetPrintOptions: lineWidth must be positive, got {LineWidth}");
    }
}

public partial class Tensor
{
    // One immutable options object, swapped whole: a print reads it once and never sees a half-applied change.
    private static volatile PrintOptions s_printOptions = PrintOptions.Default;
    private static readonly Lock s_printOptionsLock = new();

    /// <summary>The options every <see cref="ToString()"/> uses; like torch._tensor_str.PRINT_OPTS.</summary>
    public static PrintOptions GetPrintOptions() => s_printOptions;

    /// <summary>
    /// Changes how tensors print, for every thread; like torch.set_printoptions. As in PyTorch, profile (if given) is
    /// applied first, then each option given, and sciMode is always set (leaving it out returns to automatic).
    /// </summary>
    public static void SetPrintOptions(int? precision = null, int? threshold = null, int? edgeItems = null, int? lineWidth = null,
        bool? sciMode = null, PrintOptions? profile = null)
    {
        lock (s_printOptionsLock)
        {
            var o = profile ?? s_printOptions;
            o = o with
            {
                Precision = precision ?? o.Precision,
                Threshold = threshold ?? o.Threshold,
                EdgeItems = edgeItems ?? o.EdgeItems,
                LineWidth = lineWidth ?? o.LineWidth,
                SciMode = sciMode,
            };
            o.Validate();
            s_printOptions = o;
        }
    }

    /// <summary>Replaces all print options at once (e.g. with <see cref="PrintOptions.Default"/>).</summary>
    public static void SetPrintOptions(PrintOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        s_printOptions = options;
    }

    /// <summary>
    /// The tensor as PyTorch prints it, e.g. <c>tensor([[ 0.2000, -0.4000],\n        [ 0.5000,  0.6000]], requires_grad=True)</c>;
    /// like str(tensor) / print(tensor).
    /// </summary>
    public override string ToString() => TensorFormatter.Format(this, s_printOptions);

    /// <summary>The tensor as PyTorch prints it under the given options.</summary>
    public string ToString(PrintOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        return TensorFormatter.Format(this, options);
    }
}
