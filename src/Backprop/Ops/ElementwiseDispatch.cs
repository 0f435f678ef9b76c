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
        if (result.Numel == 0) return result;   // TensorPrimitives refuses empty spans for some ops (Sigmoid)
        var kernel = new UnaryRun<TOp>();
        Dispatch.Float(ref kernel, x, result);
        return result;
    }

    private struct UnaryRun<TOp> : IFloatKernel where TOp : IUnaryOp
    {
        public readonly void Run<T>(Lent<T> x, Lent<T> result, Lent<T> _) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
            => Elementwise.Unary<T, TOp>(x.Array, x.Offset, x.Shape, x.Strides, result.Span);
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
        if (a.IsContiguous && b.IsContiguous && Shapes.Equal(a.ShapeArray, shape) && Shapes.Equal(b.ShapeArray, shape))
        {
            // The usual case, operands of the result's shape laid out as it is: no broadcast strides to work out.
            var same = new SameShapeRun<TOp>();
            Dispatch.Number(ref same, a, b, destination);
            return;
        }
        var sa = Shapes.BroadcastStrides(a.ShapeArray, a.StrideArray, shape);
        var sb = Shapes.BroadcastStrides(b.ShapeArray, b.StrideArray, shape);
        var kernel = new BinaryRun<TOp>(sa, sb);
        Dispatch.Number(ref kernel, a, b, destination);
    }

    private readonly struct SameShapeRun<TOp> : INumberKernel where TOp : IBinaryOp
    {
        public void Run<T>(Lent<T> a, Lent<T> b, Lent<T> destination) where T : unmanaged, System.Numerics.INumber<T>
            => Elementwise.BinaryContiguous<T, TOp>(a.Span, b.Span, destination.Span, destination.Shape.Length == 0);
    }

    private readonly struct BinaryRun<TOp>(int[] aStrides, int[] bStrides) : INumberKernel where TOp : IBinaryOp
    {
        public void Run<T>(Lent<T> a, Lent<T> b, Lent<T> destination) where T : unmanaged, System.Numerics.INumber<T>
            => Elementwise.Binary<T, TOp>(a.Array, a.Offset, aStrides, b.Array, b.Offset, bStrides, destination.Shape, destination.Span);
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
        if (x.DType == DType.Bool)
            throw new ArgumentException($"arithmetic on {x.DType.TorchName()} tensors with a number takes the promoting path");
        var kernel = new ScalarRun<TOp>(value, reversed);
        Dispatch.Number(ref kernel, x, destination);
    }

    private readonly struct ScalarRun<TOp>(double value, bool reversed) : INumberKernel where TOp : IBinaryOp
    {
        // The number in the tensor's dtype, as the conversion of a wrapped 0-d operand gives it: (float)value, (long)value.
        public void Run<T>(Lent<T> x, Lent<T> destination, Lent<T> _) where T : unmanaged, System.Numerics.INumber<T>
            => Elementwise.BinaryScalar<T, TOp>(x.Array, x.Offset, x.Shape, x.Strides, T.CreateTruncating(value), reversed, destination.Span);
    }

    /// <summary>TOp(a, b) as a Bool tensor over the broadcast shape, comparing in the promoted dtype.</summary>
    internal static Tensor CompareKernel<TOp>(string op, Tensor a, Tensor b) where TOp : ICompareOp
    {
        var (left, right) = (a, b);
        var shape = Shapes.Broadcast(op, a.ShapeArray, b.ShapeArray);
        var dtype = TypePromotion.ResultType(a, b);
        if (dtype == DType.Bool) dtype = DType.Int64;
        if (a.DType != dtype) a = a.ConvertUnchecked(dtype);
        if (b.DType != dtype) b = b.ConvertUnchecked(dtype);
        var sa = Shapes.BroadcastStrides(a.ShapeArray, a.StrideArray, shape);
        var sb = Shapes.BroadcastStrides(b.ShapeArray, b.StrideArray, shape);
        var result = Uninitialized(DType.Bool, shape);
        var kernel = new CompareRun<TOp>(sa, sb);
        Dispatch.Compare(ref kernel, a, b, result);
        return Tracing.Op(result, op, left, right);   // "Eq", "Gt", …: not differentiable, so Graph does not see it
    }

    private readonly struct CompareRun<TOp>(int[] aStrides, int[] bStrides) : ICompareKernel where TOp : ICompareOp
    {
        public void Run<T>(Lent<T> a, Lent<T> b, Lent<bool> destination) where T : unmanaged, System.Numerics.INumber<T>
            => Elementwise.Compare<T, TOp>(a.Array, a.Offset, aStrides, b.Array, b.Offset, bStrides, destination.Shape, destination.Span);
    }

    /// <summary>Applies a per-element function with parameters (a struct, so it inlines) to a float tensor.</summary>
    internal Tensor MapKernel<TFunc>(TFunc f) where TFunc : struct, IElementFunc
    {
        var x = DType.IsFloatingPoint() ? this : ConvertUnchecked(DType.Float32);
        if (!x.IsContiguous) x = x.CloneContiguous();
        var result = Uninitialized(x.DType, ShapeArray);
        var kernel = new MapRun<TFunc>(f);
        Dispatch.Float(ref kernel, x, result);
        return result;
    }

    private readonly struct MapRun<TFunc>(TFunc f) : IFloatKernel where TFunc : struct, IElementFunc
    {
        public void Run<T>(Lent<T> x, Lent<T> result, Lent<T> _) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
        {
            var s = x.Span; var d = result.Span;
            var func = f;   // a local: no defensive copy of the readonly field per element
            for (int i = 0; i < d.Length; i++) d[i] = func.Invoke(s[i]);
        }
    }
}
