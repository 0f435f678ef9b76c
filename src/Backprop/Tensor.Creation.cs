namespace Backprop;

public partial class Tensor
{
    /// <summary>A 0-d Float32 tensor; like torch.tensor(value).</summary>
    public static Tensor From(float value) => Wrap(new[] { value }, Shapes.Scalar);

    /// <summary>A 0-d Float64 tensor; like torch.tensor(value, dtype=torch.float64).</summary>
    public static Tensor From(double value) => Wrap(new[] { value }, Shapes.Scalar);

    /// <summary>A 0-d Int64 tensor; like torch.tensor(value).</summary>
    public static Tensor From(long value) => Wrap(new[] { value }, Shapes.Scalar);

    /// <summary>A 0-d Bool tensor; like torch.tensor(value).</summary>
    public static Tensor From(bool value) => Wrap(new[] { value }, Shapes.Scalar);

    /// <summary>A 1-D tensor copied from the array; like torch.tensor([...]).</summary>
    public static Tensor From<T>(T[] values) where T : unmanaged => Wrap((T[])values.Clone(), [values.Length]);

    /// <summary>A 2-D tensor copied from the array; like torch.tensor([[...], ...]).</summary>
    public static Tensor From<T>(T[,] values) where T : unmanaged
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var data = new T[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                data[i * cols + j] = values[i, j];
        return Wrap(data, [rows, cols]);
    }

    /// <summary>A 3-D tensor copied from the array.</summary>
    public static Tensor From<T>(T[,,] values) where T : unmanaged
    {
        int a = values.GetLength(0), b = values.GetLength(1), c = values.GetLength(2);
        var data = new T[a * b * c];
        int k = 0;
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                for (int l = 0; l < c; l++)
                    data[k++] = values[i, j, l];
        return Wrap(data, [a, b, c]);
    }

    /// <summary>A tensor of the given shape over a copy of the flat row-major values; like torch.tensor(values).reshape(shape).</summary>
    public static Tensor From<T>(T[] values, params int[] shape) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(values);
        CheckShape("From", shape);
        int n = Shapes.Numel(shape);
        if (n != values.Length)
            throw new ArgumentException($"From: shape {Shapes.Format(shape)} needs {n} values but {values.Length} were given");
        return Wrap((T[])values.Clone(), (int[])shape.Clone());
    }

    /// <summary>A tensor filled with zeros; like torch.zeros(shape, dtype).</summary>
    public static Tensor Zeros(int[] shape, DType dtype = DType.Float32)
    {
        CheckShape("Zeros", shape);
        return Tracing.Constant(ZeroFilled(dtype, (int[])shape.Clone()));
    }

    /// <summary>A Float32 tensor filled with zeros; like torch.zeros(*size).</summary>
    public static Tensor Zeros(params int[] shape) => Zeros(shape, DType.Float32);

    /// <summary>A tensor filled with ones; like torch.ones(shape, dtype).</summary>
    public static Tensor Ones(int[] shape, DType dtype = DType.Float32) => Full(shape, 1, dtype);

    /// <summary>A Float32 tensor filled with ones; like torch.ones(*size).</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1, DType.Float32);

    /// <summary>A tensor filled with one value; like torch.full(shape, value, dtype).</summary>
    public static Tensor Full(int[] shape, double value, DType dtype = DType.Float32)
    {
        CheckShape("Full", shape);
        var t = ZeroFilled(dtype, (int[])shape.Clone());
        t.FillUnchecked(value);
        return Tracing.Constant(t);
    }

    /// <summary>Zeros with the shape and dtype of another tensor; like torch.zeros_like.</summary>
    public static Tensor ZerosLike(Tensor other, DType? dtype = null) => Tracing.Constant(ZeroFilled(dtype ?? other.DType, other.ShapeArray));

    /// <summary>Ones with the shape and dtype of another tensor; like torch.ones_like.</summary>
    public static Tensor OnesLike(Tensor other, DType? dtype = null) => FullLike(other, 1, dtype);

    /// <summary>A value with the shape and dtype of another tensor; like torch.full_like.</summary>
    public static Tensor FullLike(Tensor other, double value, DType? dtype = null)
    {
        var t = ZeroFilled(dtype ?? other.DType, other.ShapeArray);
        t.FillUnchecked(value);
        return Tracing.Constant(t);
    }

    // The one-argument forms take no dtype: a literal 0 converts to DType, so Arange(-3, 0) would bind (end, dtype).
    // For another dtype write Arange(0, end, dtype: ...).

    /// <summary>0, 1, …, end − 1 as Int64; like torch.arange(end) with an integer end.</summary>
    public static Tensor Arange(long end) => Arange(0L, end, 1L);

    /// <summary>0, 1, … below end as Float32; like torch.arange(end) with a floating-point end.</summary>
    public static Tensor Arange(double end) => Arange(0.0, end, 1.0);

    /// <summary>start, start + step, … below end (above it for a negative step), Int64 unless dtype says otherwise; like torch.arange(start, end, step) with integers.</summary>
    public static Tensor Arange(long start, long end, long step = 1, DType? dtype = null)
    {
        var type = dtype ?? DType.Int64;
        if (type != DType.Int64) return Arange((double)start, end, step, type);
        CheckRange(start, end, step);
        // torch sizes an integer range as ceil((end − start) / step) in double
        var t = ZeroFilled(DType.Int64, [RangeLength((double)(end - start) / step)]);
        var kernel = new RangeRun(RangeKind.IntegerArange, start, step);
        Dispatch.Number(ref kernel, t);
        return Tracing.Constant(t);
    }

    /// <summary>start, start + step, … below end (above it for a negative step), Float32 unless dtype says otherwise; like torch.arange(start, end, step).</summary>
    public static Tensor Arange(double start, double end, double step = 1, DType? dtype = null)
    {
        var type = dtype ?? DType.Float32;
        switch (type)
        {
            case DType.Int64:
                // torch converts each bound to the result type first (truncating), then counts
                return Arange((long)start, (long)end, (long)step, DType.Int64);
            case DType.Float32:
            case DType.Float64:
            {
                CheckRange(start, end, step);
                var t = ZeroFilled(type, [RangeLength((end - start) / step)]);
                var kernel = new RangeRun(RangeKind.Arange, start, step);
                Dispatch.Number(ref kernel, t);
                return Tracing.Constant(t);
            }
            default:
                throw new ArgumentException($"Arange: \"arange_cpu\" not implemented for {type.TorchName()}");
        }
    }

    private static void CheckRange(double start, double end, double step)
    {
        if (step == 0) throw new ArgumentException("Arange: step must be nonzero");
        if (!double.IsFinite(start) || !double.IsFinite(end))
            throw new ArgumentException($"Arange: unsupported range: {start} -> {end}");
        if (!(step > 0 && end >= start || step < 0 && end <= start))
            throw new ArgumentException($"Arange: upper bound and larger bound inconsistent with step sign (start={start}, end={end}, step={step})");
    }

    private static int RangeLength(double size)
    {
        double n = Math.Ceiling(size);
        if (!(n >= 0 && n <= Array.MaxLength))
            throw new ArgumentException($"Arange: invalid size, possible overflow? ({n} elements)");
        return (int)n;
    }

    /// <summary>
    /// steps values evenly spaced from start to end inclusive; like torch.linspace(start, end, steps, dtype). The first
    /// half is counted up from start and the second half down from end, as torch does, so both ends are exact.
    /// </summary>
    public static Tensor Linspace(double start, double end, int steps, DType dtype = DType.Float32)
    {
        if (steps < 0) throw new ArgumentException($"Linspace: number of steps must be non-negative, got {steps}");
        if (dtype == DType.Bool) throw new ArgumentException("Linspace: \"linspace_cpu\" not implemented for torch.bool");
        var t = ZeroFilled(dtype, [steps]);
        if (steps == 1) { t.FillUnchecked(start); return Tracing.Constant(t); }
        var kernel = new RangeRun(RangeKind.Linspace, start, end);
        Dispatch.Number(ref kernel, t);
        return Tracing.Constant(t);
    }

    private enum RangeKind { IntegerArange, Arange, Linspace }

    /// <summary>Writes a range into a contiguous tensor: Arange (a = start, b = step) or Linspace (a = start, b = end).</summary>
    private readonly struct RangeRun(RangeKind kind, double a, double b) : INumberKernel
    {
        private readonly long _la = (long)a, _lb = (long)b;

        // The integer Arange's bounds as given (longs beyond 2^53 stay exact).
        public RangeRun(RangeKind kind, long start, long step) : this(kind, (double)start, (double)step) => (_la, _lb) = (start, step);

        public void Run<T>(Lent<T> t, Lent<T> _, Lent<T> __) where T : unmanaged, System.Numerics.INumber<T>
        {
            var span = t.Span;
            if (typeof(T) == typeof(float))
            {
                var d = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(span);
                if (kind == RangeKind.Linspace) Kernels.Ranges.Linspace(d, (float)a, (float)b);
                else Kernels.Ranges.Arange(d, a, b);
            }
            else if (typeof(T) == typeof(double))
            {
                var d = System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(span);
                if (kind == RangeKind.Linspace) Kernels.Ranges.Linspace(d, a, b);
                else Kernels.Ranges.Arange(d, a, b);
            }
            else
            {
                var d = System.Runtime.InteropServices.MemoryMarshal.Cast<T, long>(span);
                if (kind == RangeKind.Linspace) Kernels.Ranges.Linspace(d, _la, _lb);
                else Kernels.Ranges.Arange(d, _la, _lb);
            }
        }
    }

    /// <summary>An n × m matrix with ones on the diagonal and zeros elsewhere (m = n when omitted); like torch.eye(n, m, dtype).</summary>
    public static Tensor Eye(int n, int? m = null, DType dtype = DType.Float32)
    {
        if (n < 0) throw new ArgumentException($"Eye: n must be greater or equal to 0, got {n}");
        int cols = m ?? n;
        if (cols < 0) throw new ArgumentException($"Eye: m must be greater or equal to 0, got {cols}");
        var t = ZeroFilled(dtype, [n, cols]);
        for (int i = 0, k = Math.Min(n, cols); i < k; i++) t.FillAt(i * cols + i, 1);
        return Tracing.Constant(t);
    }

    /// <summary>A number as a 0-d operand for an op with this tensor: it keeps this tensor's dtype where PyTorch would.</summary>
    internal static Tensor Scalar(double value, Tensor like)
    {
        DType dtype = like.DType.IsFloatingPoint() ? DType.Float64
            : double.IsInteger(value) ? DType.Int64
            : DType.Float64;
        var t = ZeroFilled(dtype, Shapes.Scalar);
        t.FillUnchecked(value);
        t.IsWrappedNumber = true;
        return t;
    }

    private static void CheckShape(string op, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        foreach (var s in shape)
            if (s < 0) throw new ArgumentException($"{op}: negative dimension {s} in shape {Shapes.Format(shape)}");
    }

    /// <summary>Writes value into every element of this view, with no autograd or version bookkeeping.</summary>
    internal void FillUnchecked(double value)
    {
        var kernel = new FillRun(value, this);
        Dispatch.Any(ref kernel, this);
    }

    /// <summary>Writes value, converted to the dtype as a cast does (Bool: not zero), into every element of a view.</summary>
    private readonly struct FillRun(double value, Tensor view) : IAnyKernel
    {
        public void Run<T>(Lent<T> t, Lent<T> _, Lent<T> __) where T : unmanaged
        {
            T v;
            if (typeof(T) == typeof(float)) { float f = (float)value; v = System.Runtime.CompilerServices.Unsafe.As<float, T>(ref f); }
            else if (typeof(T) == typeof(double)) { double f = value; v = System.Runtime.CompilerServices.Unsafe.As<double, T>(ref f); }
            else if (typeof(T) == typeof(long)) { long f = (long)value; v = System.Runtime.CompilerServices.Unsafe.As<long, T>(ref f); }
            else { bool f = value != 0; v = System.Runtime.CompilerServices.Unsafe.As<bool, T>(ref f); }
            if (view.IsContiguous) { t.Span.Fill(v); return; }
            for (int i = 0; i < t.Length; i++) t.Array[view.StorageIndex(i)] = v;
        }
    }
}
