using Backprop.Kernels;

namespace Backprop;

// Log1p and Square: forward kernel, then the derivative as a tensor expression.
public partial class Tensor
{
    /// <summary>ln(1 + x) elementwise, accurate for small x; like torch.log1p.</summary>
    public Tensor Log1p()
    {
        var x = this;
        return Graph.Record(UnaryKernel<Log1pOp>(), OpCatalog.Log1p, x, g => g.Div(x.Add(1)), new SavedTensors(x));   // d ln(1+x) = 1/(1+x)
    }

    /// <summary>x² elementwise; like torch.square (the same as x * x, which is what it records).</summary>
    public Tensor Square() => Mul(this);
}
