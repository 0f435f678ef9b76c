namespace Backprop;

/// <summary>
/// One entry of a subscript <c>x[...]</c>, as in PyTorch's indexing: an integer (<c>x[0]</c>, <c>x[^1]</c>),
/// a slice (<c>x[1..3]</c>, <c>x[..]</c>, <see cref="Slice"/> with a step), <see cref="Ellipsis"/> (<c>...</c>),
/// <see cref="NewAxis"/> (<c>None</c>), or one index tensor (<see cref="Tensor(Backprop.Tensor)"/>: Int64
/// positions or a Bool mask). Like the entries of a Python subscript tuple on a torch.Tensor.
/// </summary>
public readonly struct TensorIndex
{
    internal enum IndexKind { Integer, Slice, Ellipsis, NewAxis, Tensor }

    internal IndexKind Kind { get; }

    /// <summary>For an integer: the position (negative counts from the end, Python-style).</summary>
    internal int Position { get; }

    /// <summary>For an integer written as ^n: true, and <see cref="Position"/> holds n.</summary>
    internal bool FromEnd { get; }

    internal int? Start { get; }
    internal int? End { get; }
    internal int Step { get; }
    internal Tensor? IndexTensor { get; }

    private TensorIndex(IndexKind kind, int position = 0, bool fromEnd = false, int? start = null, int? end = null, int step = 1, Tensor? tensor = null)
    {
        Kind = kind;
        Position = position;
        FromEnd = fromEnd;
        Start = start;
        End = end;
        Step = step;
        IndexTensor = tensor;
    }

    /// <summary>An integer index: selects one position and removes the dim (negative counts from the end); like x[i].</summary>
    public static implicit operator TensorIndex(int index) => new(IndexKind.Integer, index);

    /// <summary>An integer index that may count from the end (^1 is the last); like x[-1].</summary>
    public static implicit operator TensorIndex(Index index) => new(IndexKind.Integer, index.Value, index.IsFromEnd);

    /// <summary>A slice with step 1 (^n bounds count from the end, bounds are clamped); like x[start:end].</summary>
    public static implicit operator TensorIndex(Range range) => new(IndexKind.Slice,
        start: range.Start.IsFromEnd ? (range.Start.Value == 0 ? int.MaxValue : -range.Start.Value) : range.Start.Value,
        end: range.End.IsFromEnd ? (range.End.Value == 0 ? null : -range.End.Value) : range.End.Value);

    /// <summary>Stands for as many full slices as the other entries leave dims; like Python's <c>...</c>.</summary>
    public static TensorIndex Ellipsis { get; } = new(IndexKind.Ellipsis);

    /// <summary>Inserts a new dim of size 1; like Python's <c>None</c> in a subscript.</summary>
    public static TensorIndex NewAxis { get; } = new(IndexKind.NewAxis);

    /// <summary>A slice start:end:step (null bounds mean the ends; negative bounds count from the end; step &gt; 0); like x[start:end:step].</summary>
    public static TensorIndex Slice(int? start = null, int? end = null, int step = 1) => new(IndexKind.Slice, start: start, end: end, step: step);

    /// <summary>
    /// An index tensor (at most one per subscript): Int64 positions, of any shape, replacing one dim by the index's shape
    /// (negative positions count from the end); or a Bool mask covering as many dims as it has, replaced by one dim of
    /// the selected elements. The result is a copy; gradients flow back to the selected elements. Like x[index_tensor].
    /// </summary>
    public static TensorIndex Tensor(Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.DType is not (DType.Int64 or DType.Bool))
            throw new ArgumentException($"TensorIndex: tensors used as indices must be torch.int64 or torch.bool tensors, but got {index.DType.TorchName()}");
        return new(IndexKind.Tensor, tensor: index);
    }

    /// <summary>The entry as Python writes it: <c>0</c>, <c>1:3</c>, <c>::2</c>, <c>...</c>, <c>None</c>, <c>tensor</c>.</summary>
    public override string ToString() => Kind switch
    {
        IndexKind.Integer => FromEnd ? $"^{Position}" : Position.ToString(System.Globalization.CultureInfo.InvariantCulture),
        IndexKind.Slice => $"{Start}:{End}" + (Step != 1 ? $":{Step}" : ""),
        IndexKind.Ellipsis => "...",
        IndexKind.NewAxis => "None",
        _ => $"tensor of shape {Shapes.Format(IndexTensor!.Shape)}",
    };
}
