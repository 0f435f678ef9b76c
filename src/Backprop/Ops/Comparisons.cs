using Backprop.Kernels;

namespace Backprop;

// Comparisons and logical ops: Bool results, no gradient (PyTorch records none either).
public partial class Tensor
{
    /// <summary>Elementwise ==; like torch.eq.</summary>
    public Tensor Eq(Tensor other) => CompareKernel<EqOp>("Eq", this, other);
    /// <summary>Elementwise == a number; like torch.eq.</summary>
    public Tensor Eq(double value) => Eq(Scalar(value, this));
    /// <summary>Elementwise !=; like torch.ne.</summary>
    public Tensor Ne(Tensor other) => CompareKernel<NeOp>("Ne", this, other);
    /// <summary>Elementwise != a number; like torch.ne.</summary>
    public Tensor Ne(double value) => Ne(Scalar(value, this));
    /// <summary>Elementwise &lt;; like torch.lt.</summary>
    public Tensor Lt(Tensor other) => CompareKernel<LtOp>("Lt", this, other);
    /// <summary>Elementwise &lt; a number; like torch.lt.</summary>
    public Tensor Lt(double value) => Lt(Scalar(value, this));
    /// <summary>Elementwise ≤; like torch.le.</summary>
    public Tensor Le(Tensor other) => CompareKernel<LeOp>("Le", this, other);
    /// <summary>Elementwise ≤ a number; like torch.le.</summary>
    public Tensor Le(double value) => Le(Scalar(value, this));
    /// <summary>Elementwise &gt;; like torch.gt.</summary>
    public Tensor Gt(Tensor other) => CompareKernel<GtOp>("Gt", this, other);
    /// <summary>Elementwise &gt; a number; like torch.gt.</summary>
    public Tensor Gt(double value) => Gt(Scalar(value, this));
    /// <summary>Elementwise ≥; like torch.ge.</summary>
    public Tensor Ge(Tensor other) => CompareKernel<GeOp>("Ge", this, other);
    /// <summary>Elementwise ≥ a number; like torch.ge.</summary>
    public Tensor Ge(double value) => Ge(Scalar(value, this));

    /// <summary>Elementwise logical and (nonzero is true); like torch.logical_and.</summary>
    public Tensor LogicalAnd(Tensor other) => Where(Bool(), other.Bool(), FullLike(this, 0, DType.Bool)).Bool();

    /// <summary>Elementwise logical or (nonzero is true); like torch.logical_or.</summary>
    public Tensor LogicalOr(Tensor other) => Where(Bool(), FullLike(this, 1, DType.Bool), other.Bool()).Bool();

    /// <summary>Elementwise logical not (zero is true); like torch.logical_not.</summary>
    public Tensor LogicalNot() => Eq(0);

    /// <summary>True when every element is nonzero; like torch.all(input).item().</summary>
    public bool All()
    {
        var kernel = new ContainsRun(false);
        Dispatch.Any(ref kernel, Bool().Contiguous());
        return !kernel.Found;
    }

    /// <summary>True when any element is nonzero; like torch.any(input).item().</summary>
    public bool Any()
    {
        var kernel = new ContainsRun(true);
        Dispatch.Any(ref kernel, Bool().Contiguous());
        return kernel.Found;
    }

    /// <summary>Whether a contiguous Bool tensor holds the value.</summary>
    private struct ContainsRun(bool value) : IAnyKernel
    {
        public bool Found;

        public void Run<T>(Lent<T> x, Lent<T> _, Lent<T> __) where T : unmanaged
            => Found = System.Runtime.InteropServices.MemoryMarshal.Cast<T, bool>(x.Span).Contains(value);
    }

    /// <summary>True when both tensors have the same shape and every pair of elements is close; like torch.allclose.</summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8, bool equalNan = false)
    {
        var a = ToDoubleArray();
        var b = other.Expand(ShapeArray).ToDoubleArray();
        for (int i = 0; i < a.Length; i++)
        {
            if (double.IsNaN(a[i]) || double.IsNaN(b[i]))
            {
                if (equalNan && double.IsNaN(a[i]) && double.IsNaN(b[i])) continue;
                return false;
            }
            if (a[i] == b[i]) continue;
            if (Math.Abs(a[i] - b[i]) > atol + rtol * Math.Abs(b[i])) return false;
        }
        return true;
    }
}
