using Backprop.Kernels;

namespace Backprop;

// Exp, Log, Sqrt, Abs, Sign, Sin, Cos, Erf: forward kernel, then the derivative as a tensor expression.
public partial class Tensor
{
    /// <summary>eˣ elementwise; like torch.exp.</summary>
    public Tensor Exp()
    {
        var y = UnaryKernel<ExpOp>();
        return Graph.Record(y, OpCatalog.Exp, this, g => g.Mul(y), new SavedTensors(y));   // d eˣ = eˣ
    }

    /// <summary>Natural logarithm elementwise; like torch.log.</summary>
    public Tensor Log()
    {
        var x = this;
        return Graph.Record(UnaryKernel<LogOp>(), OpCatalog.Log, x, g => g.Div(x), new SavedTensors(x));   // d ln x = 1/x
    }

    /// <summary>√x elementwise; like torch.sqrt.</summary>
    public Tensor Sqrt()
    {
        var y = UnaryKernel<SqrtOp>();
        return Graph.Record(y, OpCatalog.Sqrt, this, g => g.Div(y.Mul(2)), new SavedTensors(y));   // d √x = 1/(2√x)
    }

    /// <summary>|x| elementwise; like torch.abs. The gradient at 0 is 0, as in PyTorch.</summary>
    public Tensor Abs()
    {
        var x = this;
        var y = DType.IsFloatingPoint() ? UnaryKernel<AbsOp>() : Where(Lt(0), Neg(), this);
        return Graph.Record(y, OpCatalog.Abs, x, g => g.Mul(x.Sign()), new SavedTensors(x));
    }

    /// <summary>−1, 0 or 1 by the sign of each element (NaN stays NaN); like torch.sign. Its gradient is 0.</summary>
    public Tensor Sign()
    {
        var positive = Gt(0).To(DType);
        var negative = Lt(0).To(DType);
        Tensor s;
        using (Autograd.NoGrad())
        {
            s = positive.Sub(negative);
            if (DType.IsFloatingPoint()) s = Where(Ne(this), this, s);   // NaN ≠ NaN keeps NaN
        }
        // Recorded with a zero gradient, as PyTorch's SignBackward0: so |x|'s gradient g·sign(x) carries a graph
        // under createGraph, and its second derivative is zeros rather than "not used".
        return Graph.Record(s, OpCatalog.Sign, this, static g => ZerosLike(g));
    }

    /// <summary>sin x elementwise; like torch.sin.</summary>
    public Tensor Sin()
    {
        var x = this;
        return Graph.Record(UnaryKernel<SinOp>(), OpCatalog.Sin, x, g => g.Mul(x.Cos()), new SavedTensors(x));
    }

    /// <summary>cos x elementwise; like torch.cos.</summary>
    public Tensor Cos()
    {
        var x = this;
        return Graph.Record(UnaryKernel<CosOp>(), OpCatalog.Cos, x, g => g.Mul(x.Sin()).Neg(), new SavedTensors(x));
    }

    /// <summary>The Gauss error function elementwise; like torch.erf.</summary>
    public Tensor Erf()
    {
        var x = this;
        return Graph.Record(UnaryKernel<ErfOp>(), OpCatalog.Erf, x,
            g => g.Mul(x.Mul(x).Neg().Exp().Mul(2 / Math.Sqrt(Math.PI))),   // d erf x = 2/√π · e^(−x²)
            new SavedTensors(x));
    }
}
