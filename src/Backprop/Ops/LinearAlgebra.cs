using System.Numerics;
using Backprop.Kernels;

namespace Backprop;

// Matrix products: MatMul with torch.matmul's rank rules, and the primitives it reduces to (Dot, Mv, Mm,
// batched Mm). For C = A·B the backward is dA = G·Bᵀ, dB = Aᵀ·G; the transposes are views, which the
// GEMM kernel reads in place. Broadcast batch dims are summed back by Node.FitToInput.
public partial class Tensor
{
    /// <summary>The matrix product with torch.matmul's rules for 1-D, 2-D and batched (broadcast) operands; like torch.matmul(self, other) / self @ other.</summary>
    public Tensor MatMul(Tensor other) => MatMul(this, other);

    /// <summary>
    /// The matrix product with torch.matmul's rules: 1-D·1-D is a 0-d dot product; 2-D·2-D a matrix product;
    /// a 1-D first operand is a row (the added dim is removed), a 1-D second operand a column; with a 3-D or
    /// higher operand the leading dims are batch dims, broadcast against each other. Like torch.matmul.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b) => Tracing.Op(MatMulCore(a, b), OpCatalog.Traced.MatMul, a, b);

    private static Tensor MatMulCore(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        int da = a.Dim, db = b.Dim;
        if (da == 0 || db == 0)
            throw new ArgumentException($"MatMul: both arguments to matmul need to be at least 1D, but they are {da}D and {db}D");
        CheckSameDType("MatMul", a, b);
        if (da == 1 && db == 1) return DotCore("MatMul", a, b);
        if (da == 2 && db == 1) return MvCore("MatMul", a, b);
        if (da == 1 && db == 2) return MmCore("MatMul", a.Unsqueeze(0), b).Squeeze(0);
        if (da == 2 && db == 2) return MmCore("MatMul", a, b);
        if (db <= 2)
        {
            // Fold the batch dims of a into its rows: one big matrix product instead of many small ones.
            int k = a.ShapeArray[^1];
            var folded = a.Reshape(Shapes.Numel(a.ShapeArray.AsSpan(0, da - 1)), k);
            var y = db == 1 ? MvCore("MatMul", folded, b) : MmCore("MatMul", folded, b);
            int[] shape = db == 1 ? a.ShapeArray[..^1] : [.. a.ShapeArray[..^1], b.ShapeArray[1]];
            return UnsafeView(y, shape);
        }
        // Batched: a 1-D operand becomes a row (a) or a column (b) for the product, and that dim is dropped after.
        var a2 = da == 1 ? a.Unsqueeze(0) : a;
        var b2 = db == 1 ? b.Unsqueeze(-1) : b;
        var product = BatchedMm("MatMul", a2, b2);
        var outShape = new List<int>(product.ShapeArray[..^2]);
        if (da > 1) outShape.Add(product.ShapeArray[^2]);
        if (db > 1) outShape.Add(product.ShapeArray[^1]);
        return UnsafeView(product, outShape.ToArray());
    }

    /// <summary>The matrix product of two 2-D tensors, [n, m]·[m, p] = [n, p]; like torch.mm.</summary>
    public Tensor Mm(Tensor mat2)
    {
        ArgumentNullException.ThrowIfNull(mat2);
        if (Dim != 2) throw new ArgumentException($"Mm: self must be a matrix, but got a {Dim}D tensor of shape {Shapes.Format(ShapeArray)}");
        if (mat2.Dim != 2) throw new ArgumentException($"Mm: mat2 must be a matrix, but got a {mat2.Dim}D tensor of shape {Shapes.Format(mat2.ShapeArray)}");
        CheckSameDType("Mm", this, mat2);
        return MmCore("Mm", this, mat2);
    }

    /// <summary>
    /// beta·input + alpha·(mat1·mat2) for matrices [n, m]·[m, p], input broadcast to [n, p]: the product with its bias
    /// added in place of a second tensor and a second node; like torch.addmm(input, mat1, mat2, beta=beta, alpha=alpha),
    /// which F.linear uses for a 2-D input. With beta 0 the input is ignored (its NaNs too), as in PyTorch.
    /// </summary>
    public static Tensor Addmm(Tensor input, Tensor mat1, Tensor mat2, double beta = 1, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(mat1);
        ArgumentNullException.ThrowIfNull(mat2);
        if (mat1.Dim != 2) throw new ArgumentException($"Addmm: mat1 must be a matrix, got {mat1.Dim}-D tensor");
        if (mat2.Dim != 2) throw new ArgumentException($"Addmm: mat2 must be a matrix, got {mat2.Dim}-D tensor");
        CheckSameDType("Addmm", mat1, mat2);
        if (input.DType != mat1.DType)
            throw new ArgumentException($"Addmm: self and mat2 must have the same dtype, but got {input.DType.CTypeName()} and {mat1.DType.CTypeName()}");
        int m = mat1.ShapeArray[0], k = mat1.ShapeArray[1], k2 = mat2.ShapeArray[0], n = mat2.ShapeArray[1];
        if (k != k2) throw new ArgumentException($"Addmm: mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})");
        CheckBroadcastsTo("Addmm", input, [m, n]);
        var y = ProductKernel(mat1, mat2, Shapes.Scalar, m, k, n);
        using (Autograd.NoGrad())
        {
            if (alpha != 1) y.Mul_(alpha);
            if (beta != 0) y.Add_(input, beta);   // the bias row added while the product is still in cache
        }
        // d/dinput = beta·G (summed over the broadcast rows by Node.FitToInput), d/dmat1 = alpha·G·mat2ᵀ, d/dmat2 = alpha·mat1ᵀ·G
        return Graph.Record(y, OpCatalog.Addmm, [input, mat1, mat2], g => [
                input.RequiresGrad && beta != 0 ? (beta == 1 ? g : g.Mul(beta)) : null,
                mat1.RequiresGrad ? Scaled(ProductGradA(g, mat1, mat2), alpha) : null,
                mat2.RequiresGrad ? Scaled(ProductGradB(g, mat1, mat2), alpha) : null],
            new SavedTensors(mat2.RequiresGrad ? mat1 : null, mat1.RequiresGrad ? mat2 : null));

        static Tensor Scaled(Tensor t, double alpha) => alpha == 1 ? t : t.Mul(alpha);
    }

    /// <summary>Throws unless t broadcasts to shape (torch's expand rule), naming the op, in torch's words.</summary>
    private static void CheckBroadcastsTo(string op, Tensor t, int[] shape)
    {
        if (t.Dim > shape.Length)
            throw new ArgumentException(
                $"{op}: the input of shape {Shapes.Format(t.ShapeArray)} has more dims than the product's shape {Shapes.Format(shape)}");
        for (int i = 1; i <= t.Dim; i++)
        {
            int own = t.ShapeArray[^i], size = shape[^i];
            if (own != size && own != 1)
                throw new ArgumentException(
                    $"{op}: The expanded size of the tensor ({size}) must match the existing size ({own}) at non-singleton dimension " +
                    $"{shape.Length - i}.  Target sizes: {Shapes.Format(shape)}.  Tensor sizes: {Shapes.Format(t.ShapeArray)}");
        }
    }

    /// <summary>The product of a matrix [n, m] and a vector [m], a vector [n]; like torch.mv.</summary>
    public Tensor Mv(Tensor vec)
    {
        ArgumentNullException.ThrowIfNull(vec);
        if (Dim != 2 || vec.Dim != 1)
            throw new ArgumentException($"Mv: vector + matrix @ vector expected, got a {Dim}D matrix and a {vec.Dim}D vector");
        CheckSameDType("Mv", this, vec);
        return MvCore("Mv", this, vec);
    }

    /// <summary>The dot product of two 1-D tensors of equal length, a 0-d tensor; like torch.dot.</summary>
    public Tensor Dot(Tensor other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (Dim != 1 || other.Dim != 1)
            throw new ArgumentException($"Dot: 1D tensors expected, but got {Dim}D and {other.Dim}D tensors");
        if (DType != other.DType)
            throw new ArgumentException($"Dot: expected both vectors to have same dtype, but found {DType.TorchName()} and {other.DType.TorchName()}");
        return DotCore("Dot", this, other);
    }

    /// <summary>The outer product of two 1-D tensors, [n]⊗[m] = [n, m], with type promotion; like torch.outer.</summary>
    public Tensor Outer(Tensor vec2)
    {
        ArgumentNullException.ThrowIfNull(vec2);
        if (Dim != 1) throw new ArgumentException($"Outer: expected 1-D argument self, but got {Dim}-D");
        if (vec2.Dim != 1) throw new ArgumentException($"Outer: expected 1-D argument vec2, but got {vec2.Dim}-D");
        return Unsqueeze(1).Mul(vec2);   // as torch.outer: self.reshape(-1, 1) * vec2
    }

    /// <summary>Batched matrix product of two 3-D tensors with the same batch size, [b, n, m]·[b, m, p] = [b, n, p]; like torch.bmm.</summary>
    public Tensor Bmm(Tensor mat2)
    {
        ArgumentNullException.ThrowIfNull(mat2);
        if (Dim != 3) throw new ArgumentException($"Bmm: batch1 must be a 3D tensor, but got shape {Shapes.Format(ShapeArray)}");
        if (mat2.Dim != 3) throw new ArgumentException($"Bmm: batch2 must be a 3D tensor, but got shape {Shapes.Format(mat2.ShapeArray)}");
        if (mat2.ShapeArray[0] != ShapeArray[0] || mat2.ShapeArray[1] != ShapeArray[2])
            throw new ArgumentException(
                $"Bmm: expected size for first two dimensions of batch2 tensor to be: [{ShapeArray[0]}, {ShapeArray[2]}] " +
                $"but got: [{mat2.ShapeArray[0]}, {mat2.ShapeArray[1]}]");
        CheckSameDType("Bmm", this, mat2);
        return BatchedMm("Bmm", this, mat2);
    }

    private static void CheckSameDType(string op, Tensor a, Tensor b)
    {
        if (a.DType != b.DType)
            throw new ArgumentException($"{op}: expected m1 and m2 to have the same dtype, but got: {a.DType.CTypeName()} != {b.DType.CTypeName()}");
        if (a.DType == DType.Bool)
            throw new ArgumentException($"{op}: matrix products are not implemented for torch.bool tensors; convert with To(DType.Int64) or To(DType.Float32) first");
    }

    private static Tensor MmCore(string op, Tensor a, Tensor b)
    {
        int m = a.ShapeArray[0], k = a.ShapeArray[1], k2 = b.ShapeArray[0], n = b.ShapeArray[1];
        if (k != k2) throw new ArgumentException($"{op}: mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})");
        var y = ProductKernel(a, b, Shapes.Scalar, m, k, n);
        return Graph.Record(y, OpCatalog.Mm, a, b, (a, b),
            static (g, s) => (s.a.RequiresGrad ? ProductGradA(g, s.a, s.b) : null,
                              s.b.RequiresGrad ? ProductGradB(g, s.a, s.b) : null),
            new SavedTensors(b.RequiresGrad ? a : null, a.RequiresGrad ? b : null));
    }

    // The gradients of A·B, dA = G·Bᵀ and dB = Aᵀ·G, each computed as the transpose of the transposed product when its
    // operand is stored transposed (a .T view, as Linear's weight.T), so that it comes out in the operand's layout and
    // the transpose's backward hands the leaf a contiguous gradient (taken without a copy); as PyTorch's
    // mm_mat1_backward and mm_mat2_backward.
    private static Tensor ProductGradA(Tensor g, Tensor a, Tensor b) => StoredTransposed(a) ? b.Mm(g.T).T : g.Mm(b.T);

    private static Tensor ProductGradB(Tensor g, Tensor a, Tensor b) => StoredTransposed(b) ? g.T.Mm(a).T : a.T.Mm(g);

    private static bool StoredTransposed(Tensor m) => m.StrideArray[0] == 1 && m.StrideArray[1] == m.ShapeArray[0];

    private static Tensor MvCore(string op, Tensor a, Tensor v)
    {
        int m = a.ShapeArray[0], k = a.ShapeArray[1];
        if (v.ShapeArray[0] != k)
            throw new ArgumentException($"{op}: size mismatch, got mat ({m}x{k}) and vec ({v.ShapeArray[0]}); mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {v.ShapeArray[0]}x1)");
        var column = new Tensor(v.Storage, v.StorageOffset, [k, 1], [v.StrideArray[0], 1]);
        var y = ProductKernel(a, column, Shapes.Scalar, m, k, 1);
        y = new Tensor(y.Storage, 0, [m], [1]);
        return Graph.Record(y, OpCatalog.Mv, a, v,
            g => (a.RequiresGrad ? g.Outer(v) : null,       // dA = g·vᵀ
                  v.RequiresGrad ? a.T.Mv(g) : null),       // dv = Aᵀ·g
            new SavedTensors(v.RequiresGrad ? a : null, a.RequiresGrad ? v : null));
    }

    private static Tensor DotCore(string op, Tensor a, Tensor b)
    {
        int k = a.ShapeArray[0];
        if (b.ShapeArray[0] != k)
            throw new ArgumentException(
                $"{op}: inconsistent tensor size, expected tensor [{k}] and src [{b.ShapeArray[0]}] to have the same number of elements, " +
                $"but got {k} and {b.ShapeArray[0]} elements respectively");
        var row = new Tensor(a.Storage, a.StorageOffset, [1, k], [0, a.StrideArray[0]]);
        var column = new Tensor(b.Storage, b.StorageOffset, [k, 1], [b.StrideArray[0], 0]);
        var y = ProductKernel(row, column, Shapes.Scalar, 1, k, 1);
        y = new Tensor(y.Storage, 0, Shapes.Scalar, Shapes.Scalar);
        return Graph.Record(y, OpCatalog.Dot, a, b,
            g => (a.RequiresGrad ? g.Mul(b) : null, b.RequiresGrad ? g.Mul(a) : null),   // d(a·b) = b·da + a·db
            new SavedTensors(b.RequiresGrad ? a : null, a.RequiresGrad ? b : null));
    }

    /// <summary>[..., m, k]·[..., k, n] with the batch dims broadcast, recorded as one batched product.</summary>
    private static Tensor BatchedMm(string op, Tensor a, Tensor b)
    {
        int m = a.ShapeArray[^2], k = a.ShapeArray[^1], k2 = b.ShapeArray[^2], n = b.ShapeArray[^1];
        if (k != k2)
            throw new ArgumentException(
                $"{op}: shapes {Shapes.Format(a.ShapeArray)} and {Shapes.Format(b.ShapeArray)} cannot be multiplied: " +
                $"mat1 and mat2 shapes cannot be multiplied ({m}x{k} and {k2}x{n})");
        var batch = Shapes.Broadcast(op, a.ShapeArray.AsSpan(0, a.Dim - 2), b.ShapeArray.AsSpan(0, b.Dim - 2));
        var y = ProductKernel(a, b, batch, m, k, n);
        return Graph.Record(y, OpCatalog.Bmm, a, b,
            g => (a.RequiresGrad ? BatchedMm(op, g, b.Transpose(-2, -1)) : null,   // batch [..., m, k], summed to a's batch by FitToInput
                  b.RequiresGrad ? BatchedMm(op, a.Transpose(-2, -1), g) : null),
            new SavedTensors(b.RequiresGrad ? a : null, a.RequiresGrad ? b : null));
    }

    /// <summary>A new shape over a product's fresh storage, not a view (no base): like torch's _unsafe_view.</summary>
    private static Tensor UnsafeView(Tensor y, int[] shape)
    {
        var result = new Tensor(y.Storage, y.StorageOffset, shape, Shapes.ContiguousStrides(shape));
        return Graph.Record(result, OpCatalog.UnsafeView, y, y.ShapeArray, static (g, shape) => g.Reshape(shape));
    }

    /// <summary>The product [batch, m, n] of a [..., m, k] and b [..., k, n] (same dtype), read through their strides, outside the graph.</summary>
    private static Tensor ProductKernel(Tensor a, Tensor b, int[] batch, int m, int k, int n)
    {
        if (k == 0) return ZeroFilled(a.DType, [.. batch, m, n]);   // an empty sum: zeros
        var result = Uninitialized(a.DType, [.. batch, m, n]);   // the GEMM overwrites every element
        if (result.Numel == 0) return result;
        if (!MatrixLayout(a, out bool transA, out int lda)) { a = a.CloneContiguous(); transA = false; lda = k; }
        if (!MatrixLayout(b, out bool transB, out int ldb)) { b = b.CloneContiguous(); transB = false; ldb = n; }
        var kernel = new ProductRun(batch, m, k, n, transA, lda, transB, ldb);
        Dispatch.Number(ref kernel, a, b, result);
        return result;
    }

    /// <summary>result[t] = a[t] · b[t] for each batch index t, a and b read in place through their batch strides.</summary>
    private readonly struct ProductRun(int[] batch, int m, int k, int n, bool transA, int lda, bool transB, int ldb) : INumberKernel
    {
        public void Run<T>(Lent<T> a, Lent<T> b, Lent<T> result) where T : unmanaged, INumber<T>
        {
            int nd = batch.Length;
            var sa = Shapes.BroadcastStrides(a.Shape.AsSpan(0, a.Shape.Length - 2), a.Strides.AsSpan(0, a.Shape.Length - 2), batch);
            var sb = Shapes.BroadcastStrides(b.Shape.AsSpan(0, b.Shape.Length - 2), b.Strides.AsSpan(0, b.Shape.Length - 2), batch);
            T[] da = a.Array, db = b.Array;
            var destination = result.Span;
            int count = Shapes.Numel(batch), oa = a.Offset, ob = b.Offset;
            Span<int> index = stackalloc int[nd];
            for (int t = 0; t < count; t++)
            {
                Gemm.Multiply<T>(da.AsSpan(oa), lda, transA, db.AsSpan(ob), ldb, transB, destination.Slice(t * m * n, m * n), m, n, k);
                for (int d = nd - 1; d >= 0; d--)   // next batch index, row-major
                {
                    oa += sa[d];
                    ob += sb[d];
                    if (++index[d] < batch[d]) break;
                    oa -= sa[d] * batch[d];
                    ob -= sb[d] * batch[d];
                    index[d] = 0;
                }
            }
        }
    }

    /// <summary>
    /// How the GEMM kernel can read the last two dims in place: row-major with leading dimension ld (unit column
    /// stride), or transposed (unit row stride, as a .T view has). False when neither holds and a copy is needed.
    /// </summary>
    private static bool MatrixLayout(Tensor t, out bool transposed, out int ld)
    {
        int rows = t.ShapeArray[^2], cols = t.ShapeArray[^1], rs = t.StrideArray[^2], cs = t.StrideArray[^1];
        // Prefer the layout with unit stride along the longer side: a contiguous column reads as transposed.
        if (cs == 1 && cols > 1) { transposed = false; ld = rows <= 1 ? 0 : rs; return true; }
        if (rs == 1 && rows > 1) { transposed = true; ld = cols <= 1 ? 0 : cs; return true; }
        if (cols <= 1) { transposed = false; ld = rows <= 1 ? 0 : rs; return true; }
        if (rows <= 1) { transposed = true; ld = cs; return true; }
        transposed = false;
        ld = 0;
        return false;
    }
}
