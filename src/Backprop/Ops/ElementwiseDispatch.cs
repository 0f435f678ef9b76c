using Backprop.Kernels;

namespace Backprop;

// From tensors to the typed elementwise kernels: broadcast the shapes, convert the operands to the
// result dtype, pick the element type. No autograd here: the ops record their own backward.
public partial class Tensor
{
    /// <summary>TOp over float elements; integer and bool inputs compute in Float32, as PyTorch's float ops do.</summary>
    internal Tensor UnaryKernel<TOp>() where TOp : IUnaryOp
    {
        var x = DType.IsFloatingPoint() ? this : ConvertUnchecked(DType.Float32);
        var result = Uninitialized(x.DType, ShapeArray);
        if (x.DType == DType.Float32)
            Elementwise.Unary<float, TOp>(x.Data<float>(), x.StorageOffset, x.ShapeArray, x.StrideArray, result.Span<float>());
        else
            Elementwise.Unary<double, TOp>(x.Data<double>(), x.StorageOffset, x.ShapeArray, x.StrideArray, result.Span<double>());
        GC.KeepAlive(x);   // its array was in use until here (StoragePool)
        return result;
    }

    /// <summary>TOp(a, b) in dtype, over the broadcast shape.</summary>
    internal static Tensor BinaryKernel<TOp>(string op, Tensor a, Tensor b, DType dtype) where TOp : IBinaryOp
    {
        var shape = Shapes.Broadcast(op, a.ShapeArray, b.ShapeArray);
        var result = Uninitialized(dtype, shape);
        BinaryKernelInto<TOp>(op, a, b, result);
        return result;
    }

    /// <summary>TOp(a, b) written into destination, whose shape is the broadcast shape.</summary>
    internal static void BinaryKernelInto<TOp>(string op, Tensor a, Tensor b, Tensor destination) where TOp : IBinaryOp
    {
        var dtype = destination.DType;
        if (dtype == DType.Bool)
            throw new ArgumentException($"{op}: arithmetic on torch.bool tensors is not supported; convert with To(DType.Int64) or To(DType.Float32) first");
        if (a.DType != dtype) a = a.ConvertUnchecked(dtype);
        if (b.DType != dtype) b = b.ConvertUnchecked(dtype);
        var shape = destination.ShapeArray;
        var sa = Shapes.BroadcastStrides(a.ShapeArray, a.StrideArray, shape);
        var sb = Shapes.BroadcastStrides(b.ShapeArray, b.StrideArray, shape);
        switch (dtype)
        {
            case DType.Float32:
                Elementwise.Binary<float, TOp>(a.Data<float>(), a.StorageOffset, sa, b.Data<float>(), b.StorageOffset, sb, shape, destination.Span<float>());
                break;
            case DType.Float64:
                Elementwise.Binary<double, TOp>(a.Data<double>(), a.StorageOffset, sa, b.Data<double>(), b.StorageOffset, sb, shape, destination.Span<double>());
                break;
            case DType.Int64:
                Elementwise.Binary<long, TOp>(a.Data<long>(), a.StorageOffset, sa, b.Data<long>(), b.StorageOffset, sb, shape, destination.Span<long>());
                break;
        }
        GC.KeepAlive(a);
        GC.KeepAlive(b);
    }

    /// <summary>TOp(x, value), or TOp(value, x) when reversed, in x's dtype (not Bool), with no tensor made for the number.</summary>
    internal static Tensor ScalarKernel<TOp>(Tensor x, double value, bool reversed = false) where TOp : IBinaryOp
    {
        var result = Uninitialized(x.DType, x.ShapeArray);   // every element is written
        ScalarKernelInto<TOp>(x, value, reversed, result);
        return result;
    }

    /// <summary>TOp(x, value) written into a contiguous destination of x's shape and dtype (x itself for an in-place op).</summary>
    internal static void ScalarKernelInto<TOp>(Tensor x, double value, bool reversed, Tensor destination) where TOp : IBinaryOp
    {
        // The number in the tensor's dtype, as the conversion of a wrapped 0-d operand gives it.
        switch (x.DType)
        {
            case DType.Float32:
                Elementwise.BinaryScalar<float, TOp>(x.Data<float>(), x.StorageOffset, x.ShapeArray, x.StrideArray, (float)value, reversed, destination.Span<float>());
                break;
            case DType.Float64:
                Elementwise.BinaryScalar<double, TOp>(x.Data<double>(), x.StorageOffset, x.ShapeArray, x.StrideArray, value, reversed, destination.Span<double>());
                break;
            case DType.Int64:
                Elementwise.BinaryScalar<long, TOp>(x.Data<long>(), x.StorageOffset, x.ShapeArray, x.StrideArray, (long)value, reversed, destination.Span<long>());
                break;
            default:
                throw new ArgumentException($"arithmetic on {x.DType.TorchName()} tensors with a number takes the promoting path");
        }
        GC.KeepAlive(x);   // its array was in use until here (StoragePool)
    }

    /// <summary>TOp(a, b) as a Bool tensor over the broadcast shape, comparing in the promoted dtype.</summary>
    internal static Tensor CompareKernel<TOp>(string op, Tensor a, Tensor b) where TOp : ICompareOp
    {
        var shape = Shapes.Broadcast(op, a.ShapeArray, b.ShapeArray);
        var dtype = TypePromotion.ResultType(a, b);
        if (dtype == DType.Bool) dtype = DType.Int64;
        if (a.DType != dtype) a = a.ConvertUnchecked(dtype);
        if (b.DType != dtype) b = b.ConvertUnchecked(dtype);
        var sa = Shapes.BroadcastStrides(a.ShapeArray, a.StrideArray, shape);
        var sb = Shapes.BroadcastStrides(b.ShapeArray, b.StrideArray, shape);
        var result = Uninitialized(DType.Bool, shape);
        var d = result.Span<bool>();
        switch (dtype)
        {
            case DType.Float32: Elementwise.Compare<float, TOp>(a.Data<float>(), a.StorageOffset, sa, b.Data<float>(), b.StorageOffset, sb, shape, d); break;
            case DType.Float64: Elementwise.Compare<double, TOp>(a.Data<double>(), a.StorageOffset, sa, b.Data<double>(), b.StorageOffset, sb, shape, d); break;
            case DType.Int64: Elementwise.Compare<long, TOp>(a.Data<long>(), a.StorageOffset, sa, b.Data<long>(), b.StorageOffset, sb, shape, d); break;
        }
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        return result;
    }

    /// <summary>Applies a per-element function with parameters (a struct, so it inlines) to a float tensor.</summary>
    internal Tensor MapKernel<TFunc>(TFunc f) where TFunc : struct, IElementFunc
    {
        var x = DType.IsFloatingPoint() ? this : ConvertUnchecked(DType.Float32);
        if (!x.IsContiguous) x = x.CloneContiguous();
        var result = Uninitialized(x.DType, ShapeArray);
        if (x.DType == DType.Float32)
        {
            var s = x.Span<float>(); var d = result.Span<float>();
            for (int i = 0; i < d.Length; i++) d[i] = f.Invoke(s[i]);
        }
        else
        {
            var s = x.Span<double>(); var d = result.Span<double>();
            for (int i = 0; i < d.Length; i++) d[i] = f.Invoke(s[i]);
        }
        GC.KeepAlive(x);
        return result;
    }
}
