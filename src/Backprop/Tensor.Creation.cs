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
        return Empty(dtype, (int[])shape.Clone());
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
        var t = Empty(dtype, (int[])shape.Clone());
        t.FillUnchecked(value);
        return t;
    }

    /// <summary>Zeros with the shape and dtype of another tensor; like torch.zeros_like.</summary>
    public static Tensor ZerosLike(Tensor other, DType? dtype = null) => Empty(dtype ?? other.DType, other.ShapeArray);

    /// <summary>Ones with the shape and dtype of another tensor; like torch.ones_like.</summary>
    public static Tensor OnesLike(Tensor other, DType? dtype = null) => FullLike(other, 1, dtype);

    /// <summary>A value with the shape and dtype of another tensor; like torch.full_like.</summary>
    public static Tensor FullLike(Tensor other, double value, DType? dtype = null)
    {
        var t = Empty(dtype ?? other.DType, other.ShapeArray);
        t.FillUnchecked(value);
        return t;
    }

    /// <summary>A number as a 0-d operand for an op with this tensor: it keeps this tensor's dtype where PyTorch would.</summary>
    internal static Tensor Scalar(double value, Tensor like)
    {
        DType dtype = like.DType.IsFloatingPoint() ? DType.Float64
            : double.IsInteger(value) ? DType.Int64
            : DType.Float64;
        var t = Empty(dtype, Shapes.Scalar);
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
        switch (DType)
        {
            case DType.Float32: FillView(Data<float>(), (float)value); break;
            case DType.Float64: FillView(Data<double>(), value); break;
            case DType.Int64: FillView(Data<long>(), (long)value); break;
            case DType.Bool: FillView(Data<bool>(), value != 0); break;
        }
    }

    private void FillView<T>(T[] data, T value) where T : unmanaged
    {
        if (IsContiguous) { data.AsSpan(StorageOffset, Numel).Fill(value); return; }
        for (int i = 0; i < Numel; i++) data[StorageIndex(i)] = value;
    }
}
