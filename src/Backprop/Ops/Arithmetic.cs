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
        return Graph.Record(y, "AddBackward0", this, other, g => (g, g));
    }

    /// <summary>this + value; like torch.add(input, value).</summary>
    public Tensor Add(double value) => Add(Scalar(value, this));

    /// <summary>this − alpha·other, broadcasting; like torch.sub(input, other, alpha=alpha).</summary>
    public Tensor Sub(Tensor other, double alpha = 1)
    {
        if (DType == DType.Bool && other.DType == DType.Bool)
            throw new ArgumentException("Sub: subtraction, the `-` operator, with two bool tensors is not supported; use LogicalXor or ~ instead");
        if (alpha != 1) other = other.Mul(alpha);
        var dtype = TypePromotion.ResultType(this, other);
        var y = BinaryKernel<SubOp>("Sub", this, other, dtype);
        return Graph.Record(y, "SubBackward0", this, other, g => (g, g.Neg()));
    }

    /// <summary>this − value; like torch.sub(input, value).</summary>
    public Tensor Sub(double value) => Sub(Scalar(value, this));

    /// <summary>this · other elementwise, broadcasting; like torch.mul.</summary>
    public Tensor Mul(Tensor other)
    {
        var a = this;
        var dtype = TypePromotion.ResultType(a, other);
        var y = BinaryKernel<MulOp>("Mul", a, other, dtype);
        return Graph.Record(y, "MulBackward0", a, other,
            g => (a.RequiresGrad ? g.Mul(other) : null, other.RequiresGrad ? g.Mul(a) : null),   // d(ab) = b·da + a·db
            new SavedTensors(other.RequiresGrad ? a : null, a.RequiresGrad ? other : null));
    }

    /// <summary>this · value; like torch.mul(input, value).</summary>
    public Tensor Mul(double value) => Mul(Scalar(value, this));

    /// <summary>this / other elementwise (true division: integers give floats); like torch.div.</summary>
    public Tensor Div(Tensor other)
    {
        var a = this;
        var dtype = TypePromotion.ToFloating(TypePromotion.ResultType(a, other));
        var y = BinaryKernel<DivOp>("Div", a, other, dtype);
        return Graph.Record(y, "DivBackward0", a, other,
            g => (a.RequiresGrad ? g.Div(other) : null,
                  other.RequiresGrad ? g.Neg().Mul(a).Div(other.Mul(other)) : null),   // d(a/b)/db = −a/b²
            new SavedTensors(other.RequiresGrad ? a : null, other));
    }

    /// <summary>this / value; like torch.div(input, value).</summary>
    public Tensor Div(double value) => Div(Scalar(value, this));

    /// <summary>−this; like torch.neg.</summary>
    public Tensor Neg()
    {
        if (DType == DType.Bool)
            throw new ArgumentException("Neg: negation, the `-` operator, on a bool tensor is not supported; use LogicalNot instead");
        var y = BinaryKernel<MulOp>("Neg", this, Scalar(-1, this), DType);
        return Graph.Record(y, "NegBackward0", this, g => g.Neg());
    }

    /// <summary>this ** exponent, elementwise with a scalar exponent; like torch.pow(input, exponent).</summary>
    public Tensor Pow(double exponent)
    {
        var x = this;
        var e = Scalar(exponent, this);
        var dtype = TypePromotion.ResultType(x, e);
        if (!dtype.IsFloatingPoint() && exponent < 0)
            throw new ArgumentException("Pow: integers to negative integer powers are not allowed");
        var y = BinaryKernel<PowOp>("Pow", x, e, dtype);
        return Graph.Record(y, "PowBackward0", x,
            g => exponent == 0 ? ZerosLike(g) : g.Mul(x.Pow(exponent - 1).Mul(exponent)),   // d(xᵖ) = p·xᵖ⁻¹
            new SavedTensors(x));
    }

    /// <summary>this ** exponent, elementwise and broadcasting; like torch.pow(input, exponent) with a tensor exponent.</summary>
    public Tensor Pow(Tensor exponent)
    {
        var x = this;
        var dtype = TypePromotion.ResultType(x, exponent);
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException("Pow: a tensor exponent needs floating-point operands; convert with To(DType.Float32) first");
        var y = BinaryKernel<PowOp>("Pow", x, exponent, dtype);
        return Graph.Record(y, "PowBackward1", x, exponent,
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
        var dims = new List<int>();
        for (int i = 0; i < Dim; i++)
            if (i < lead || (shape[i - lead] == 1 && ShapeArray[i] != 1)) dims.Add(i);
        var summed = dims.Count == 0 ? this : Sum(dims.ToArray(), keepDim: true);
        return Shapes.Equal(summed.ShapeArray, shape) ? summed : summed.Reshape(shape);
    }
}
