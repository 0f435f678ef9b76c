namespace Backprop;

// Views: new shape and strides over the same storage, no copy. The backward of a view is the
// inverse view (reshape back, transpose back), or for a part of a tensor, the gradient placed into zeros.
public partial class Tensor
{
    private Tensor ViewOf(int[] shape, int[] strides, int offset) => new(Storage, offset, shape, strides, this);

    /// <summary>The same elements in another shape (one size may be -1); copies only when the strides do not allow a view; like torch.reshape.</summary>
    public Tensor Reshape(params int[] shape)
    {
        var target = InferShape("Reshape", shape);
        var strides = ViewStrides(target);
        Tensor y = strides is not null ? ViewOf(target, strides, StorageOffset) : CloneContiguous().ViewOf(target, Shapes.ContiguousStrides(target), 0);
        var op = strides is not null ? OpCatalog.View : OpCatalog.UnsafeView;
        return Tracing.Op(Graph.Record(y, op, this, ShapeArray, static (g, shape) => g.Reshape(shape)),
            "reshape", this, target);
    }

    /// <summary>The same elements in another shape, as a view; fails when the strides do not allow one; like tensor.view.</summary>
    public Tensor View(params int[] shape)
    {
        var target = InferShape("View", shape);
        var strides = ViewStrides(target) ?? throw new InvalidOperationException(
            $"View: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces): " +
            $"shape {Shapes.Format(ShapeArray)}, strides {Shapes.Format(StrideArray)}, requested {Shapes.Format(target)}. Use Reshape(...) instead.");
        return Tracing.Op(Graph.Record(ViewOf(target, strides, StorageOffset), OpCatalog.View, this, ShapeArray, static (g, shape) => g.Reshape(shape)),
            OpCatalog.View, this, target);
    }

    /// <summary>Reshapes to another tensor's shape; like tensor.view_as.</summary>
    public Tensor ViewAs(Tensor other) => View(other.ShapeArray);

    /// <summary>Merges dims startDim..endDim into one; like torch.flatten.</summary>
    public Tensor Flatten(int startDim = 0, int endDim = -1)
    {
        if (Dim == 0) return Reshape(1);
        int s = Shapes.NormalizeDim("Flatten", startDim, Dim), e = Shapes.NormalizeDim("Flatten", endDim, Dim);
        if (s > e) throw new ArgumentException($"Flatten: start_dim ({startDim}) cannot come after end_dim ({endDim})");
        if (s == e) return this;
        var shape = new List<int>();
        int merged = 1;
        for (int i = 0; i < Dim; i++)
        {
            if (i < s || i > e) shape.Add(ShapeArray[i]);
            else { merged *= ShapeArray[i]; if (i == e) shape.Add(merged); }
        }
        return Reshape(shape.ToArray());
    }

    /// <summary>Swaps two dims; like torch.transpose.</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = Shapes.NormalizeDim("Transpose", dim0, Dim), b = Shapes.NormalizeDim("Transpose", dim1, Dim);
        if (Dim == 0) return Tracing.Op(Graph.Record(ViewOf(ShapeArray, StrideArray, StorageOffset), OpCatalog.Transpose, this, g => g),
            OpCatalog.Alias, this);
        var shape = ShapeArray;   // shared when the swapped sizes are equal (a square matrix): shapes are immutable
        if (shape[a] != shape[b])
        {
            shape = (int[])shape.Clone();
            (shape[a], shape[b]) = (shape[b], shape[a]);
        }
        var strides = (int[])StrideArray.Clone();
        (strides[a], strides[b]) = (strides[b], strides[a]);
        return Tracing.Op(Graph.Record(ViewOf(shape, strides, StorageOffset), OpCatalog.Transpose, this, (a, b), static (g, dims) => g.Transpose(dims.a, dims.b)),
            OpCatalog.Transpose, this, a, b);
    }

    /// <summary>The transpose of a matrix (dims reversed for other ranks, as PyTorch's .T does); like tensor.T.</summary>
    public Tensor T => Dim < 2 ? this : Dim == 2 ? Transpose(0, 1) : Permute(Enumerable.Range(0, Dim).Reverse().ToArray());

    /// <summary>Reorders the dims; like torch.permute.</summary>
    public Tensor Permute(params int[] dims)
    {
        if (dims.Length != Dim)
            throw new ArgumentException($"Permute: number of dims don't match in permute: the tensor has {Dim} dims but {dims.Length} were given");
        var shape = new int[Dim];
        var strides = new int[Dim];
        var inverse = new int[Dim];
        var seen = new bool[Dim];
        for (int i = 0; i < Dim; i++)
        {
            int d = Shapes.NormalizeDim("Permute", dims[i], Dim);
            if (seen[d]) throw new ArgumentException($"Permute: repeated dim {d} in {Shapes.Format(dims)}");
            seen[d] = true;
            shape[i] = ShapeArray[d];
            strides[i] = StrideArray[d];
            inverse[d] = i;
        }
        return Tracing.Op(Graph.Record(ViewOf(shape, strides, StorageOffset), OpCatalog.Permute, this, inverse, static (g, inverse) => g.Permute(inverse)),
            OpCatalog.Permute, this, dims.Select(d => Shapes.NormalizeDim("Permute", d, Dim)).ToArray());
    }

    /// <summary>A broadcast view to a larger shape (size-1 dims repeat with stride 0; -1 keeps a size); like tensor.expand.</summary>
    public Tensor Expand(params int[] sizes)
    {
        if (sizes.Length < Dim)
            throw new ArgumentException(
                $"Expand: the number of sizes provided ({sizes.Length}) must be greater or equal to the number of dimensions in the tensor ({Dim})");
        var shape = new int[sizes.Length];
        var strides = new int[sizes.Length];
        int lead = sizes.Length - Dim;
        for (int i = 0; i < sizes.Length; i++)
        {
            int size = sizes[i];
            if (i < lead)
            {
                if (size < 0) throw new ArgumentException($"Expand: the expanded size of the tensor (-1) isn't allowed in a leading, non-existing dimension {i}");
                shape[i] = size;
                strides[i] = 0;
                continue;
            }
            int own = ShapeArray[i - lead];
            if (size == -1) size = own;
            if (own != size && own != 1)
                throw new ArgumentException(
                    $"Expand: The expanded size of the tensor ({size}) must match the existing size ({own}) at non-singleton dimension {i}. " +
                    $"Target sizes: {Shapes.Format(sizes)}. Tensor sizes: {Shapes.Format(ShapeArray)}");
            shape[i] = size;
            strides[i] = own == size ? StrideArray[i - lead] : 0;
        }
        if (Shapes.Equal(shape, ShapeArray)) return this;
        return Tracing.Op(Graph.Record(ViewOf(shape, strides, StorageOffset), OpCatalog.Expand, this, g => g),
            OpCatalog.Expand, this, shape);   // FitToInput sums the repeats
    }

    /// <summary>Expands to another tensor's shape; like tensor.expand_as.</summary>
    public Tensor ExpandAs(Tensor other) => Expand(other.ShapeArray);

    /// <summary>Removes every size-1 dim; like torch.squeeze.</summary>
    public Tensor Squeeze()
    {
        var shape = new List<int>();
        var strides = new List<int>();
        for (int i = 0; i < Dim; i++)
            if (ShapeArray[i] != 1) { shape.Add(ShapeArray[i]); strides.Add(StrideArray[i]); }
        var x = this;
        return Tracing.Op(Graph.Record(ViewOf(shape.ToArray(), strides.ToArray(), StorageOffset), OpCatalog.Squeeze, x, g => g.Reshape(x.ShapeArray)),
            OpCatalog.Squeeze, x, Enumerable.Range(0, Dim).Where(i => ShapeArray[i] == 1).ToArray());
    }

    /// <summary>Removes dim if its size is 1 (otherwise returns a view of the same shape); like torch.squeeze(input, dim).</summary>
    public Tensor Squeeze(int dim)
    {
        int d = Shapes.NormalizeDim("Squeeze", dim, Dim);
        var x = this;
        if (Dim == 0 || ShapeArray[d] != 1) return Tracing.Op(Graph.Record(ViewOf(ShapeArray, StrideArray, StorageOffset), OpCatalog.SqueezeDim, x, g => g),
            OpCatalog.Alias, x);
        var shape = ShapeArray.Where((_, i) => i != d).ToArray();
        var strides = StrideArray.Where((_, i) => i != d).ToArray();
        return Tracing.Op(Graph.Record(ViewOf(shape, strides, StorageOffset), OpCatalog.SqueezeDim, x, g => g.Reshape(x.ShapeArray)),
            OpCatalog.SqueezeDim, x, new[] { d });
    }

    /// <summary>Inserts a size-1 dim at position dim (range [-Dim-1, Dim]); like torch.unsqueeze.</summary>
    public Tensor Unsqueeze(int dim)
    {
        int d = Shapes.NormalizeDim("Unsqueeze", dim, Dim + 1);
        var shape = new int[Dim + 1];
        var strides = new int[Dim + 1];
        for (int i = 0, j = 0; i <= Dim; i++)
        {
            if (i == d)
            {
                shape[i] = 1;
                strides[i] = d < Dim ? StrideArray[d] * ShapeArray[d] : 1;
                continue;
            }
            shape[i] = ShapeArray[j];
            strides[i] = StrideArray[j];
            j++;
        }
        return Tracing.Op(Graph.Record(ViewOf(shape, strides, StorageOffset), OpCatalog.Unsqueeze, this, ShapeArray, static (g, shape) => g.Reshape(shape)),
            OpCatalog.Unsqueeze, this, d);
    }

    /// <summary>length elements of dim from start (negative start counts from the end); like torch.narrow.</summary>
    public Tensor Narrow(int dim, int start, int length)
    {
        if (Dim == 0) throw new ArgumentException("Narrow: cannot be applied to a 0-dim tensor");
        int d = Shapes.NormalizeDim("Narrow", dim, Dim);
        int size = ShapeArray[d];
        if (start < -size || start > size)
            throw new ArgumentException($"Narrow: start ({start}) is out of bounds for dimension {d} with size {size}");
        if (start < 0) start += size;
        if (length < 0 || start + length > size)
            throw new ArgumentException($"Narrow: start ({start}) + length ({length}) exceeds dimension size ({size}) of dimension {d}");
        return SliceView(OpCatalog.Slice, d, start, length, 1);
    }

    /// <summary>The slice at index along dim, with that dim removed; like torch.select / tensor[..., index].</summary>
    public Tensor Select(int dim, int index)
    {
        if (Dim == 0) throw new ArgumentException("Select: cannot be applied to a 0-dim tensor");
        int d = Shapes.NormalizeDim("Select", dim, Dim);
        int size = ShapeArray[d];
        if (index < -size || index >= size)
            throw new ArgumentException($"Select: index {index} is out of bounds for dimension {d} with size {size}");
        if (index < 0) index += size;
        var shape = ShapeArray.Where((_, i) => i != d).ToArray();
        var strides = StrideArray.Where((_, i) => i != d).ToArray();
        var x = this;
        int at = index;
        var y = ViewOf(shape, strides, StorageOffset + index * StrideArray[d]);
        return Tracing.Op(Graph.Record(y, OpCatalog.Select, x, g => EmbedInZeros(g, x.ShapeArray, d, at, 1, z => z.Select(d, at), OpCatalog.SelectBackward)),
            OpCatalog.Select, x, d, at);
    }

    /// <summary>Elements start, start+step, … before end along dim, with Python's clamping of start and end; like tensor[start:end:step].</summary>
    public Tensor Slice(int dim, int? start = null, int? end = null, int step = 1)
    {
        if (Dim == 0) throw new ArgumentException("Slice: cannot be applied to a 0-dim tensor");
        if (step <= 0) throw new ArgumentException($"Slice: step must be greater than zero (got {step})");
        int d = Shapes.NormalizeDim("Slice", dim, Dim);
        int size = ShapeArray[d];
        int s = Math.Clamp(start is { } a ? (a < 0 ? a + size : a) : 0, 0, size);
        int e = Math.Clamp(end is { } b ? (b < 0 ? b + size : b) : size, 0, size);
        int length = e > s ? (e - s + step - 1) / step : 0;
        return SliceView(OpCatalog.Slice, d, s, length, step);
    }

    private Tensor SliceView(OpDecl op, int d, int start, int length, int step)
    {
        var shape = (int[])ShapeArray.Clone();
        var strides = (int[])StrideArray.Clone();
        shape[d] = length;
        strides[d] = StrideArray[d] * step;
        var x = this;
        var y = ViewOf(shape, strides, StorageOffset + start * StrideArray[d]);
        var sliced = Graph.Record(y, op, x, g => step == 1
            ? EmbedInZeros(g, x.ShapeArray, d, start, length, z => z.SliceView(OpCatalog.Slice, d, start, length, 1), OpCatalog.SliceBackward)
            : EmbedInZeros(g, x.ShapeArray, z => z.SliceView(OpCatalog.Slice, d, start, length, step), OpCatalog.SliceBackward));
        return Tracing.Current is null ? sliced : Tracing.Op(sliced, op, [x], d, start, length, step);
    }

    /// <summary>
    /// The backward of taking a part: zeros of the whole shape with g written where the part was, recorded as op
    /// (slice_backward, select_backward; its backward takes the same part), so second derivatives flow through it.
    /// </summary>
    internal static Tensor EmbedInZeros(Tensor g, int[] shape, Func<Tensor, Tensor> part, OpDecl op)
    {
        var z = Zeros(shape, g.DType);
        using (Autograd.NoGrad()) part(z).CopyUnchecked(g);
        return Graph.Record(z, op, g, gg => part(gg));
    }

    /// <summary>
    /// As <see cref="EmbedInZeros(Tensor, int[], Func{Tensor, Tensor}, OpDecl)"/> for a part that is the positions
    /// [start, start + length) of dim d: where those positions are one block of memory (every dim before d has size 1),
    /// only the blocks around it are zeroed and the part is written once, by the copy of g (a recurrent layer's
    /// halves of its sequence: zeroing the whole first wrote the part twice).
    /// </summary>
    internal static Tensor EmbedInZeros(Tensor g, int[] shape, int d, int start, int length, Func<Tensor, Tensor> part, OpDecl op)
    {
        for (int i = 0; i < d; i++)
            if (shape[i] != 1) return EmbedInZeros(g, shape, part, op);   // the positions around are strided: zero the whole
        var z = Uninitialized(g.DType, shape);
        ZeroPositions(z, d, 0, start);
        ZeroPositions(z, d, start + length, shape[d] - start - length);
        using (Autograd.NoGrad()) part(z).CopyUnchecked(g);
        return Graph.Record(z, op, g, gg => part(gg));
    }

    private static void ZeroPositions(Tensor z, int d, int from, int count)
    {
        if (count <= 0) return;
        var shape = (int[])z.ShapeArray.Clone();
        shape[d] = count;
        z.ViewOf(shape, z.StrideArray, z.StorageOffset + from * z.StrideArray[d]).FillUnchecked(0);
    }

    /// <summary>Replaces a single -1 with the size that makes the element counts agree.</summary>
    private int[] InferShape(string op, int[] shape)
    {
        var result = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] == -1)
            {
                if (infer >= 0) throw new ArgumentException($"{op}: only one dimension can be inferred (shape {Shapes.Format(shape)})");
                infer = i;
            }
            else if (result[i] < 0) throw new ArgumentException($"{op}: invalid shape dimension {result[i]} in {Shapes.Format(shape)}");
            else known *= result[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Numel % known != 0)
                throw new ArgumentException($"{op}: shape '{Shapes.Format(shape)}' is invalid for input of size {Numel}");
            result[infer] = (int)(Numel / known);
        }
        else if (known != Numel)
            throw new ArgumentException($"{op}: shape '{Shapes.Format(shape)}' is invalid for input of size {Numel}");
        return result;
    }

    /// <summary>Strides that read this tensor's elements in the new shape without a copy, or null if none do (PyTorch's computeStride).</summary>
    private int[]? ViewStrides(int[] shape)
    {
        if (IsContiguous) return Shapes.ContiguousStrides(shape);
        if (Numel == 0) return Shapes.ContiguousStrides(shape);
        var oldShape = ShapeArray;
        var oldStrides = StrideArray;
        var strides = new int[shape.Length];
        int viewD = shape.Length - 1;
        long chunkBaseStride = oldStrides[^1];
        long tensorNumel = 1, viewNumel = 1;
        for (int tensorD = oldShape.Length - 1; tensorD >= 0; tensorD--)
        {
            tensorNumel *= oldShape[tensorD];
            // A chunk ends where the next dim out is not laid right after this one.
            if (tensorD == 0 || (oldShape[tensorD - 1] != 1 && oldStrides[tensorD - 1] != tensorNumel * chunkBaseStride))
            {
                while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] == 1))
                {
                    strides[viewD] = (int)(viewNumel * chunkBaseStride);
                    viewNumel *= shape[viewD];
                    viewD--;
                }
                if (viewNumel != tensorNumel) return null;
                if (tensorD > 0)
                {
                    chunkBaseStride = oldStrides[tensorD - 1];
                    tensorNumel = 1;
                    viewNumel = 1;
                }
            }
        }
        return viewD == -1 ? strides : null;
    }
}
