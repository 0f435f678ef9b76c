using Backprop;

namespace Backprop.Tests.Reductions;

/// <summary>Inputs and helpers shared by the reduction tests.</summary>
internal static class ReductionData
{
    /// <summary>torch.arange(24.).reshape(2, 3, 4).sin() * 3, in Float64.</summary>
    public static Tensor X3()
    {
        var v = new double[24];
        for (int i = 0; i < 24; i++) v[i] = Math.Sin(i) * 3;
        return Tensor.From(v, 2, 3, 4);
    }

    /// <summary>
    /// x ↦ ∂f(x)/∂x computed with createGraph, for a gradcheck of the second derivative (PyTorch's gradgradcheck).
    /// Grad mode is switched on inside, because gradcheck evaluates its function under no-grad for the finite differences.
    /// </summary>
    public static Func<Tensor[], Tensor> FirstDerivative(Func<Tensor, Tensor> f) => xs =>
    {
        using (Autograd.EnableGrad())
            return Autograd.Grad([f(xs[0])], [xs[0]], createGraph: true)[0]!;
    };
}
