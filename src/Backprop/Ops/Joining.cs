namespace Backprop;

// Cat and Stack join tensors along a dim; Split and Chunk cut one into views. The backward of a join hands
// each input its own slice of the gradient; the pieces of a split are views, whose backward is built in.
public partial class Tensor
{
    /// <summary>
    /// Joins tensors along an existing dim, promoting to a common dtype; all sizes but dim's must agree.
    /// 1-D tensors of shape [0] are skipped, as PyTorch's legacy rule says. Like torch.cat(tensors, dim).
    /// </summary>
    public static Tensor Cat(Tensor[] tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("Cat: expected a non-empty list of Tensors");
        DType dtype = DType.Bool;
        Tensor? reference = null;
        for (int i = 0; i < tensors.Length; i++)
        {
            var t = tensors[i] ?? throw new ArgumentNullException(nameof(tensors), $"Cat: tensor number {i} in the list is null");
            if (t.Dim == 0) throw new ArgumentException($"Cat: zero-dimensional tensor (at position {i}) cannot be concatenated");
            dtype = (DType)Math.Max((int)dtype, (int)t.DType);   // Bool < Int64 < Float32 < Float64: the wider wins
            if (reference is null && !IsSkippedInCat(t)) reference = t;
        }
        if (reference is null) return ZeroFilled(dtype, [0]);   // every input is a legacy empty [0]

        int rank = reference.Dim;
        int d = Shapes.NormalizeDim("Cat", dim, rank);
        var offsets = new int[tensors.Length];
        int total = 0;
        for (int i = 0; i < tensors.Length; i++)
        {
            var t = tensors[i];
            offsets[i] = total;
            if (IsSkippedInCat(t)) continue;
            if (t.Dim != rank)
                throw new ArgumentException(
                    $"Cat: Tensors must have same number of dimensions: got {rank} and {t.Dim} (tensor number {i} in the list has shape {Shapes.Format(t.ShapeArray)})");
            for (int j = 0; j < rank; j++)
                if (j != d && t.ShapeArray[j] != reference.ShapeArray[j])
                    throw new ArgumentException(
                        $"Cat: Sizes of tensors must match except in dimension {d}. Expected size {reference.ShapeArray[j]} but got size {t.ShapeArray[j]} " +
                        $"for tensor number {i} in the list.");
            total += t.ShapeArray[d];
        }

        var shape = (int[])reference.ShapeArray.Clone();
        shape[d] = total;
        var result = ZeroFilled(dtype, shape);
        using (Autograd.NoGrad())
            for (int i = 0; i < tensors.Length; i++)
                if (!IsSkippedInCat(tensors[i]) && tensors[i].Numel > 0)
                    result.Narrow(d, offsets[i], tensors[i].ShapeArray[d]).CopyUnchecked(tensors[i]);

        var inputs = (Tensor[])tensors.Clone();
        Tracing.Current?.Op(Tracing.Report(OpCatalog.Cat, result, inputs, [d]));
        return Graph.Record(result, OpCatalog.Cat, inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
            {
                if (!inputs[i].RequiresGrad) continue;
                grads[i] = IsSkippedInCat(inputs[i]) ? Zeros([0], g.DType) : g.Narrow(d, offsets[i], inputs[i].ShapeArray[d]);
            }
            return grads;
        });
    }

    private static bool IsSkippedInCat(Tensor t) => t.Dim == 1 && t.ShapeArray[0] == 0;

    /// <summary>Joins equally shaped tensors along a new dim (range [-Dim-1, Dim]); like torch.stack(tensors, dim).</summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new ArgumentException("Stack: expected a non-empty list of Tensors");
        var shape = tensors[0].ShapeArray;
        for (int i = 1; i < tensors.Length; i++)
            if (!Shapes.Equal(tensors[i].ShapeArray, shape))
                throw new ArgumentException(
                    $"Stack: stack expects each tensor to be equal size, but got {Shapes.Format(shape)} at entry 0 and {Shapes.Format(tensors[i].ShapeArray)} at entry {i}");
        int d = Shapes.NormalizeDim("Stack", dim, shape.Length + 1);
        Tensor result;
        using (Autograd.NoGrad())
        {
            var unsqueezed = new Tensor[tensors.Length];
            for (int i = 0; i < tensors.Length; i++) unsqueezed[i] = tensors[i].Unsqueeze(d);
            result = Cat(unsqueezed, d);
        }
        var inputs = (Tensor[])tensors.Clone();
        return Graph.Record(result, OpCatalog.Stack, inputs, g =>
        {
            var grads = new Tensor?[inputs.Length];
            for (int i = 0; i < inputs.Length; i++)
                if (inputs[i].RequiresGrad) grads[i] = g.Select(d, i);
            return grads;
        });
    }

    /// <summary>Views of consecutive pieces of splitSize along dim (the last may be smaller); like torch.split(tensor, split_size, dim).</summary>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        if (Dim == 0) throw new ArgumentException("Split: split expects at least a 1-dimensional tensor");
        if (splitSize < 0) throw new ArgumentException($"Split: split expects split_size be non-negative, but got split_size={splitSize}");
        int d = Shapes.NormalizeDim("Split", dim, Dim);
        int size = ShapeArray[d];
        if (splitSize == 0 && size != 0)
            throw new ArgumentException($"Split: split_size can only be 0 if dimension size is 0, but got dimension size of {size}");
        int count = splitSize == 0 ? 1 : Math.Max((size + splitSize - 1) / splitSize, 1);
        var pieces = new Tensor[count];
        for (int i = 0; i < count; i++)
        {
            int start = i * splitSize;
            pieces[i] = SliceView(OpCatalog.Split, d, start, Math.Min(splitSize, size - start), 1);
        }
        return pieces;
    }

    /// <summary>Views of consecutive pieces with the given sizes along dim, which must sum to its size; like torch.split(tensor, sizes, dim).</summary>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        if (Dim == 0) throw new ArgumentException("Split: split expects at least a 1-dimensional tensor");
        int d = Shapes.NormalizeDim("Split", dim, Dim);
        int size = ShapeArray[d];
        long sum = 0;
        foreach (var s in sizes)
        {
            if (s < 0) throw new ArgumentException($"Split: split_with_sizes expects split_sizes have only non-negative entries, but got split_sizes={Shapes.Format(sizes)}");
            sum += s;
        }
        if (sum != size)
            throw new ArgumentException(
                $"Split: split_with_sizes expects split_sizes to sum exactly to {size} (input tensor's size at dimension {d}), but got split_sizes={Shapes.Format(sizes)}");
        var pieces = new Tensor[sizes.Length];
        for (int i = 0, start = 0; i < sizes.Length; start += sizes[i], i++)
            pieces[i] = SliceView(OpCatalog.SplitWithSizes, d, start, sizes[i], 1);
        return pieces;
    }

    /// <summary>
    /// At most chunks views along dim, each of ceil(size / chunks) elements but the last, so fewer may come back;
    /// like torch.chunk(tensor, chunks, dim).
    /// </summary>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        if (Dim == 0) throw new ArgumentException("Chunk: chunk expects at least a 1-dimensional tensor");
        if (chunks <= 0) throw new ArgumentException($"Chunk: chunk expects `chunks` to be greater than 0, got: {chunks}");
        int d = Shapes.NormalizeDim("Chunk", dim, Dim);
        int size = ShapeArray[d];
        if (size == 0)
        {
            // PyTorch gives `chunks` empty pieces here rather than one.
            var empty = new int[chunks];
            return Split(empty, d);
        }
        return Split((size + chunks - 1) / chunks, d);
    }
}
