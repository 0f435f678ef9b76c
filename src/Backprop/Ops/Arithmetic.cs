using Backprop.Kernels;

namespace Backprop;

// Add, Sub, Mul, Div, Neg, Pow: forward and backward side by side. Broadcast operands get their
// gradients summed back to their own shapes in one place (Node.FitToInput), not here.
public partial class Tensor
{
    /// <summary>this + alpha·other, broadcasting; like torch.add(input, other, alpha=alpha).</summary>
    public Tensor Add(Tensor other, double alpha = 1)
    {
        if (alpha != 1) other = other.Mul(alpha);
        var dtype = TypePromotion.ResultType(this, other);
        var y = BinaryKernel<AddOp>("Add", this, other, dtype);
        return Graph.Record(y, OpCatalog.Add, this, other, static g => (g, g));
    }

    /// <summary>this + value; like torch.add(input, value).</summary>
    public Tensor Add(double value)
    {
        if (TypePromotion.ResultType(DType, value) != DType) return Add(Scalar(value, this));   // promotes: int + 0.5, bool + 1
        return Tracing.Op(Graph.RecordWithNumber(ScalarKernel<AddOp>(this, value), OpCatalog.Add, this, static g => g), OpCatalog.Add, this, value);
    }

    /// <summary>this − alpha·other, broadcasting; like torch.sub(input, other, alpha=alpha).</summary>
    public Tensor Sub(Tensor other, double alpha = 1)
    {
        if (DType == DType.Bool && other.DType == DType.Bool)
            throw new ArgumentException("Sub: subtraction, the `-` operator, with two bool tensors is not supported; use LogicalXor or ~ instead");
        if (alpha != 1) other = other.Mul(alpha);
        var dtype = TypePromotion.ResultType(this, other);
        var y = BinaryKernel<SubOp>("Sub", this, other, dtype);
        return Graph.Record(y, OpCatalog.Sub, this, other, other, static (g, b) => (g, b.RequiresGrad ? g.Neg() : null));
    }

    /// <summary>this − value; like torch.sub(input, value).</summary>
    public Tensor Sub(double value)
    {
        if (TypePromotion.ResultType(DType, value) != DType) return Sub(Scalar(value, this));
        return Tracing.Op(Graph.RecordWithNumber(ScalarKernel<SubOp>(this, value), OpCatalog.Sub, this, static g => g), OpCatalog.Sub, this, value);
    }

    /// <summary>value − this, as the `-` operator with a number on the left gives it; like torch.rsub(input, value).</summary>
    internal Tensor ReverseSub(double value)
    {
        if (TypePromotion.ResultType(DType, value) != DType) return Scalar(value, this).Sub(this);
        return Tracing.Op(Graph.RecordWithNumber(ScalarKernel<SubOp>(this, value, reversed: true), OpCatalog.Rsub, this, static g => g.Neg()),
            OpCatalog.Rsub, this, value);
    }

    /// <summary>this · other elementwise, broadcasting; like torch.mul.</summary>
    public Tensor Mul(Tensor other)
    {
        var a = this;
        var dtype = TypePromotion.ResultType(a, other);
        var y = BinaryKernel<MulOp>("Mul", a, other, dtype);
        return Graph.Record(y, OpCatalog.Mul, a, other, (a, b: other),
            static (g, s) => (s.a.RequiresGrad ? g.Mul(s.b) : null, s.b.RequiresGrad ? g.Mul(s.a) : null),   // d(ab) = b·da + a·db
            new SavedTensors(other.RequiresGrad ? a : null, a.RequiresGrad ? other : null));
    }

    /// <summary>this · value; like torch.mul(input, value).</summary>
    public Tensor Mul(double value)
    {
        if (TypePromotion.ResultType(DType, value) != DType) return Mul(Scalar(value, this));
        return Tracing.Op(Graph.RecordWithNumber(ScalarKernel<MulOp>(this, value), OpCatalog.Mul, this, value, static (g, v) => g.Mul(v), SavedTensors.Number),
            OpCatalog.Mul, this, value);
    }

    /// <summary>this / other elementwise (true division: integers give floats); like torch.div.</summary>
    public Tensor Div(Tensor other)
    {
        var a = this;
        var dtype = TypePromotion.ToFloating(TypePromotion.ResultType(a, other));
        var y = BinaryKernel<DivOp>("Div", a, other, dtype);
        return Graph.Record(y, OpCatalog.Div, a, other, (a, b: other),
            static (g, s) => (s.a.RequiresGrad ? g.Div(s.b) : null,
                              s.b.RequiresGrad ? g.Neg().Mul(s.a).Div(s.b.Mul(s.b)) : null),   // d(a/b)/db = −a/b²
            new SavedTensors(other.RequiresGrad ? a : null, other));
    }

    /// <summary>this / value; like torch.div(input, value).</summary>
    public Tensor Div(double value)
    {
        if (TypePromotion.ToFloating(TypePromotion.ResultType(DType, value)) != DType) return Div(Scalar(value, this));   // int / 2 is a float
        return Tracing.Op(Graph.RecordWithNumber(ScalarKernel<DivOp>(this, value), OpCatalog.Div, this, value, static (g, v) => g.Div(v), SavedTensors.Number),
            OpCatalog.Div, this, value);
    }

    /// <summary>value / this, as the `/` operator with a number on the left gives it.</summary>
    internal Tensor ReverseDiv(double value)
    {
        if (TypePromotion.ToFloating(TypePromotion.ResultType(DType, value)) != DType) return Scalar(value, this).Div(this);
        return Tracing.Op(Graph.RecordWithNumber(ScalarKernel<DivOp>(this, value, reversed: true), OpCatalog.Div, this, (a: value, b: this),
            static (g, s) => g.Neg().Mul(s.a).Div(s.b.Mul(s.b)),   // d(a/b)/db = −a/b²
            new SavedTensors(this)), OpCatalog.Traced.Rdiv, this, value);
    }

    /// <summary>−this; like torch.neg.</summary>
    public Tensor Neg()
    {
        if (DType == DType.Bool)
            throw new ArgumentException("Neg: negation, the `-` operator, on a bool tensor is not supported; use LogicalNot instead");
        return Graph.Record(ScalarKernel<MulOp>(this, -1), OpCatalog.Neg, this, static g => g.Neg());
    }

    /// <summary>this ** exponent, elementwise with a scalar exponent; like torch.pow(input, exponent).</summary>
    public Tensor Pow(double exponent)
    {
        var x = this;
        var dtype = TypePromotion.ResultType(DType, exponent);
        if (!dtype.IsFloatingPoint() && exponent < 0)
            throw new ArgumentException("Pow: integers to negative integer powers are not allowed");
        var y = dtype == DType ? ScalarKernel<PowOp>(x, exponent) : BinaryKernel<PowOp>("Pow", x, Scalar(exponent, this), dtype);
        return Tracing.Op(Graph.Record(y, OpCatalog.Pow, x, (x, p: exponent),
            static (g, s) => s.p == 0 ? ZerosLike(g) : g.Mul((s.p == 2 ? s.x : s.x.Pow(s.p - 1)).Mul(s.p)),   // d(xᵖ) = p·xᵖ⁻¹, and x¹ is x
            new SavedTensors(x)), OpCatalog.Pow, x, exponent);
    }

    /// <summary>this ** exponent, elementwise and broadcasting; like torch.pow(input, exponent) with a tensor exponent.</summary>
    public Tensor Pow(Tensor exponent)
    {
        var x = this;
        var dtype = TypePromotion.ResultType(x, exponent);
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException("Pow: a tensor exponent needs floating-point operands; convert with To(DType.Float32) first");
        var y = BinaryKernel<PowOp>("Pow", x, exponent, dtype);
        return Graph.Record(y, OpCatalog.PowTensor, x, exponent,
            g => (x.RequiresGrad ? g.Mul(exponent).Mul(x.Pow(exponent.Sub(1))) : null,
                  // d(aᵇ)/db = aᵇ·ln a, taken as 0 where a = 0 and b ≥ 0 (PyTorch's convention)
                  exponent.RequiresGrad ? Where(x.Eq(0).LogicalAnd(exponent.Ge(0)), ZerosLike(g), g.Mul(y).Mul(x.Log())) : null),
            new SavedTensors(x, exponent, exponent.RequiresGrad ? y : null));
    }

    /// <summary>Sums a gradient over the dims that broadcasting expanded, back to shape; like torch's sum_to_size.</summary>
    internal Tensor SumToShape(int[] shape)
    {
        if (Shapes.Equal(ShapeArray, shape)) return this;
        int lead = Dim - shape.Length;
        if (lead < 0) throw new ArgumentException($"SumToShape: cannot sum shape {Shapes.Format(ShapeArray)} to {Shapes.Format(shape)}");
        int count = 0;
        Span<int> summedDims = stackalloc int[Dim];
        for (int i = 0; i < Dim; i++)
            if (i < lead || (shape[i - lead] == 1 && ShapeArray[i] != 1)) summedDims[count++] = i;
        var summed = count == 0 ? this : Sum(summedDims[..count].ToArray(), keepDim: true);
        return Shapes.Equal(summed.ShapeArray, shape) ? summed : summed.Reshape(shape);
    }
}
