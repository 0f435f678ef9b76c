namespace Backprop;

// The subscript x[...] with PyTorch's rules. Integers, slices, ... and None are basic indexing: a chain of
// Select / Slice / Unsqueeze views, whose backward is built in. One index tensor (Int64 positions or a Bool
// mask) is advanced indexing: an IndexSelect, a copy, applied after the basic entries at the dim it names.
public partial class Tensor
{
    /// <summary>
    /// Indexes like PyTorch's <c>x[...]</c>: <c>x[0]</c>, <c>x[.., 1]</c>, <c>x[1..3, ^1]</c>,
    /// <c>x[TensorIndex.Ellipsis, 0]</c>, <c>x[TensorIndex.NewAxis]</c>, <c>x[TensorIndex.Slice(0, null, 2)]</c>,
    /// <c>x[TensorIndex.Tensor(mask)]</c>. Basic entries give a view; an index tensor gives a copy. Like torch.Tensor.__getitem__.
    /// </summary>
    [System.Runtime.CompilerServices.IndexerName("Subscript")]   // "Item", the default, is taken by Item()
    public Tensor this[params TensorIndex[] indices]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(indices);
            int consumed = 0, ellipses = 0, tensors = 0;
            foreach (var index in indices)
            {
                switch (index.Kind)
                {
                    case TensorIndex.IndexKind.Integer or TensorIndex.IndexKind.Slice: consumed++; break;
                    case TensorIndex.IndexKind.Ellipsis: ellipses++; break;
                    case TensorIndex.IndexKind.Tensor:
                        tensors++;
                        var t = index.IndexTensor!;
                        consumed += t.DType == DType.Bool ? t.Dim : 1;
                        if (t.DType == DType.Bool && t.Dim == 0)
                            throw new ArgumentException("Index: a 0-dim Bool index is not supported; use Unsqueeze and Where instead");
                        break;
                }
            }
            if (ellipses > 1) throw new ArgumentException("Index: an index can only have a single ellipsis ('...')");
            if (tensors > 1) throw new ArgumentException("Index: only one index tensor per subscript is supported; index twice or use IndexSelect / Gather");
            if (consumed > Dim)
                throw new ArgumentException(Dim == 0
                    ? "Index: invalid index of a 0-dim tensor; use Item() to read its value"
                    : $"Index: too many indices for tensor of dimension {Dim} (got {string.Join(", ", indices)})");

            var result = this;
            int at = 0;          // the dim of result the next entry applies to
            int source = 0;      // the dim of this tensor it came from, for messages
            int advancedAt = -1, advancedSource = -1;
            Tensor? advanced = null;
            foreach (var index in indices)
            {
                switch (index.Kind)
                {
                    case TensorIndex.IndexKind.Integer:
                    {
                        int size = result.ShapeArray[at];
                        int position = index.FromEnd ? size - index.Position : index.Position < 0 ? index.Position + size : index.Position;
                        if (position < 0 || position >= size)
                            throw new ArgumentException($"Index: index {index} is out of bounds for dimension {source} with size {size}");
                        result = result.Select(at, position);
                        source++;
                        break;
                    }
                    case TensorIndex.IndexKind.Slice:
                        if (index.Step <= 0) throw new ArgumentException($"Index: step must be greater than zero (got {index.Step})");
                        result = result.Slice(at, index.Start, index.End, index.Step);
                        at++;
                        source++;
                        break;
                    case TensorIndex.IndexKind.NewAxis:
                        result = result.Unsqueeze(at);
                        at++;
                        break;
                    case TensorIndex.IndexKind.Ellipsis:
                        at += Dim - consumed;
                        source += Dim - consumed;
                        break;
                    case TensorIndex.IndexKind.Tensor:
                        advanced = index.IndexTensor!;
                        advancedAt = at;
                        advancedSource = source;
                        int covered = advanced.DType == DType.Bool ? advanced.Dim : 1;
                        at += covered;
                        source += covered;
                        break;
                }
            }
            if (advanced is null) return ReferenceEquals(result, this) ? Alias() : result;
            return advanced.DType == DType.Bool
                ? result.IndexByMask(advanced, advancedAt, advancedSource)
                : result.IndexByPositions(advanced, advancedAt, advancedSource);
        }
    }

    /// <summary>A view of the whole tensor, as x[...] gives in PyTorch.</summary>
    private Tensor Alias() => Graph.Record(ViewOf(ShapeArray, StrideArray, StorageOffset), OpCatalog.Alias, this, g => g);

    /// <summary>x[..., positions, ...] at dim: the dim is replaced by the positions' shape; negative positions count from the end.</summary>
    private Tensor IndexByPositions(Tensor positions, int dim, int sourceDim)
    {
        int size = ShapeArray[dim];
        var values = positions.ToArray<long>();
        var normalized = new long[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            long v = values[i];
            if (v < -size || v >= size)
                throw new ArgumentException($"Index: index {v} is out of bounds for dimension {sourceDim} with size {size}");
            normalized[i] = v < 0 ? v + size : v;
        }
        var selected = IndexSelect(dim, Wrap(normalized, [normalized.Length]));
        if (positions.Dim == 1) return selected;
        int[] shape = [.. ShapeArray[..dim], .. positions.ShapeArray, .. ShapeArray[(dim + 1)..]];
        return selected.Reshape(shape);
    }

    /// <summary>x[..., mask, ...] at dim: the dims the mask covers become one dim of the elements where it is true, in row-major order.</summary>
    private Tensor IndexByMask(Tensor mask, int dim, int sourceDim)
    {
        int k = mask.Dim;
        for (int j = 0; j < k; j++)
            if (mask.ShapeArray[j] != ShapeArray[dim + j])
                throw new ArgumentException(
                    $"Index: The shape of the mask {Shapes.Format(mask.ShapeArray)} at index {j} does not match the shape of the indexed tensor " +
                    $"{Shapes.Format(ShapeArray)} at index {sourceDim + j}");
        var flags = mask.ToArray<bool>();
        var positions = new List<long>();
        for (int i = 0; i < flags.Length; i++) if (flags[i]) positions.Add(i);
        var flat = k == 1 ? this : Flatten(dim, dim + k - 1);
        return flat.IndexSelect(dim, Wrap(positions.ToArray(), [positions.Count]));
    }
}
