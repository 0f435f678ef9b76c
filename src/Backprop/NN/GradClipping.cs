using System.Numerics;

namespace Backprop.NN;

/// <summary>
/// Gradient clipping between Backward and the optimizer's Step: rescale all gradients together so that
/// their joint norm is at most maxNorm, or clamp every gradient element. Like torch.nn.utils.clip_grad_norm_
/// and clip_grad_value_.
/// </summary>
public static class GradClipping
{
    /// <summary>
    /// Scales the gradients of the parameters in place so that their total p-norm (as if concatenated into one
    /// vector) is at most maxNorm: g ← g · min(1, maxNorm / (‖g‖ + 1e-6)). Parameters whose Grad is null are
    /// skipped. normType may be any p (1, 2, 0.5, …) or ±∞. Returns the total norm before clipping as a 0-d
    /// tensor of the gradients' dtype. Like torch.nn.utils.clip_grad_norm_(parameters, max_norm, norm_type, error_if_nonfinite).
    /// </summary>
    public static Tensor ClipGradNorm(IEnumerable<Tensor> parameters, double maxNorm, double normType = 2, bool errorIfNonfinite = false)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var grads = new List<Tensor>();
        foreach (var p in parameters)
            if (p?.Grad is { } g) grads.Add(g);
        if (grads.Count == 0) return Tensor.From(0f);

        // PyTorch stacks the per-gradient norms (each in its gradient's dtype) and takes their norm.
        var dtype = grads.Any(g => g.DType == DType.Float64) ? DType.Float64 : DType.Float32;
        var norms = new double[grads.Count];
        for (int i = 0; i < grads.Count; i++) norms[i] = Round(Norm(grads[i], normType), grads[i].DType);
        double total = Round(NormOf<double>(norms, normType), dtype);
        if (errorIfNonfinite && !double.IsFinite(total))
            throw new InvalidOperationException(
                $"ClipGradNorm: The total norm of order {normType} for gradients from `parameters` is non-finite, so it cannot be clipped. " +
                "To disable this error and scale the gradients by the non-finite norm anyway, set errorIfNonfinite: false");

        // clip_coef = max_norm / (total_norm + 1e-6), clamped to 1, in the norm's dtype.
        double coefficient = dtype == DType.Float32
            ? Math.Min((float)maxNorm / ((float)total + 1e-6f), 1f)
            : Math.Min(maxNorm / (total + 1e-6), 1.0);
        using (Autograd.NoGrad())
            foreach (var g in grads) g.Mul_(coefficient);
        return Tensor.Full([], total, dtype);
    }

    /// <summary>ClipGradNorm for one parameter; like torch.nn.utils.clip_grad_norm_(tensor, max_norm, norm_type).</summary>
    public static Tensor ClipGradNorm(Tensor parameter, double maxNorm, double normType = 2, bool errorIfNonfinite = false) =>
        ClipGradNorm([parameter], maxNorm, normType, errorIfNonfinite);

    /// <summary>
    /// Clamps every gradient element to [−clipValue, clipValue], in place; parameters whose Grad is null are
    /// skipped. Like torch.nn.utils.clip_grad_value_(parameters, clip_value).
    /// </summary>
    public static void ClipGradValue(IEnumerable<Tensor> parameters, double clipValue)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using (Autograd.NoGrad())
            foreach (var p in parameters)
                p?.Grad?.Clamp_(-clipValue, clipValue);
    }

    /// <summary>ClipGradValue for one parameter; like torch.nn.utils.clip_grad_value_(tensor, clip_value).</summary>
    public static void ClipGradValue(Tensor parameter, double clipValue) => ClipGradValue([parameter], clipValue);

    /// <summary>The p-norm of one gradient's elements, accumulated in double.</summary>
    private static double Norm(Tensor g, double p)
    {
        var c = g.IsContiguous ? g : g.CloneContiguous();
        if (!c.DType.IsFloatingPoint())
            throw new ArgumentException($"ClipGradNorm: gradients must be floating point, got {g.DType.TorchName()}");
        var kernel = new NormRun(p);
        Dispatch.Float(ref kernel, c);
        return kernel.Norm;
    }

    private struct NormRun(double p) : IFloatKernel
    {
        public double Norm;

        public void Run<T>(Lent<T> x, Lent<T> _, Lent<T> __) where T : unmanaged, IFloatingPointIeee754<T> => Norm = NormOf<T>(x.Span, p);
    }

    /// <summary>‖x‖ₚ: max |x| for +∞, min |x| for −∞, the count of non-zeros for 0, (Σ|x|ᵖ)^(1/p) otherwise; like torch.norm(x, p).</summary>
    private static double NormOf<T>(ReadOnlySpan<T> x, double p) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (double.IsPositiveInfinity(p) || double.IsNegativeInfinity(p))
        {
            if (x.Length == 0) return 0;
            double extreme = double.IsPositiveInfinity(p) ? double.NegativeInfinity : double.PositiveInfinity;
            foreach (var v in x)
            {
                double a = Math.Abs(double.CreateTruncating(v));
                if (double.IsNaN(a)) return double.NaN;
                extreme = double.IsPositiveInfinity(p) ? Math.Max(extreme, a) : Math.Min(extreme, a);
            }
            return extreme;
        }
        double sum = 0;
        if (p == 0)
        {
            foreach (var v in x) if (v != T.Zero) sum += 1;
            return sum;
        }
        if (p == 1)
        {
            foreach (var v in x) sum += Math.Abs(double.CreateTruncating(v));
            return sum;
        }
        if (p == 2)
        {
            foreach (var v in x) { double d = double.CreateTruncating(v); sum += d * d; }
            return Math.Sqrt(sum);
        }
        foreach (var v in x) sum += Math.Pow(Math.Abs(double.CreateTruncating(v)), p);
        return Math.Pow(sum, 1 / p);
    }

    private static double Round(double value, DType dtype) => dtype == DType.Float32 ? (float)value : value;
}
