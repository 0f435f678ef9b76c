using System.Numerics;
using System.Numerics.Tensors;

namespace Backprop.Optim;

/// <summary>
/// The fused in-place updates optimizers need (torch's add_ with alpha, addcmul_, addcdiv_), evaluated in
/// PyTorch's order: self + value·t1·t2 and self + value·t1/t2, with value in the tensor's dtype. Same-shape
/// contiguous float tensors take a loop over spans with no allocation; anything else composes tensor ops.
/// Callers run under no-grad (Optimizer.Step): these never record.
/// </summary>
internal static class UpdateMath
{
    /// <summary>self += alpha·other; like self.add_(other, alpha=alpha).</summary>
    public static void AddScaled(Tensor self, Tensor other, double alpha)
    {
        if (Fusable(self, other, other))
        {
            var kernel = new UpdateRun(UpdateKind.AddScaled, alpha);
            Dispatch.Float(ref kernel, self, other, other, null, null, null);
            self.MarkWritten();
            return;
        }
        self.Add_(other, alpha);
    }

    /// <summary>
    /// self += alpha·other with torch's CPU kernel's roundings: AVX2 blocks of two vectors (8 doubles, 16 floats) take a
    /// fused multiply-add (its Vectorized path, fmadd), the tail the unfused scalar self + alpha·other. LBFGS's two-loop
    /// recursion needs this to follow torch to the last bit on flat vectors; contiguous same-dtype tensors only, else
    /// the composed op.
    /// </summary>
    public static void AddScaledAsTorch(Tensor self, Tensor other, double alpha)
    {
        if (!Fusable(self, other, other) || (other.SharesStorageWith(self) && other.Offset != self.Offset))
        {
            self.Add_(other, alpha);
            return;
        }
        var kernel = new UpdateRun(UpdateKind.AddScaledAsTorch, alpha);
        Dispatch.Float(ref kernel, self, other, other, null, null, null);
        self.MarkWritten();
    }

    private static void AddScaledAsTorch<T>(Span<T> self, ReadOnlySpan<T> other, T alpha) where T : IFloatingPointIeee754<T>
    {
        int block = 2 * 32 / System.Runtime.CompilerServices.Unsafe.SizeOf<T>(), i = 0;
        for (; i + block <= self.Length; i += block)
            for (int j = i; j < i + block; j++) self[j] = T.FusedMultiplyAdd(other[j], alpha, self[j]);
        for (; i < self.Length; i++) self[i] += alpha * other[i];
    }

    /// <summary>self += value·t1·t2; like self.addcmul_(t1, t2, value=value).</summary>
    public static void Addcmul(Tensor self, Tensor t1, Tensor t2, double value)
    {
        if (Fusable(self, t1, t2))
        {
            var kernel = new UpdateRun(UpdateKind.Addcmul, value);
            Dispatch.Float(ref kernel, self, t1, t2, null, null, null);
            self.MarkWritten();
            return;
        }
        self.Copy_(self.Add(t1.Mul(value).Mul(t2)));
    }

    /// <summary>self += value·t1/t2; like self.addcdiv_(t1, t2, value=value).</summary>
    public static void Addcdiv(Tensor self, Tensor t1, Tensor t2, double value)
    {
        if (Fusable(self, t1, t2))
        {
            var kernel = new UpdateRun(UpdateKind.Addcdiv, value);
            Dispatch.Float(ref kernel, self, t1, t2, null, null, null);
            self.MarkWritten();
            return;
        }
        self.Copy_(self.Add(t1.Mul(value).Div(t2)));
    }

    /// <summary>
    /// SGD with momentum in one pass: buffer ← buffer·momentum + scale·grad, then param ← param − lr·buffer; the same
    /// roundings as buffer.mul_(momentum).add_(grad, alpha=scale) and param.add_(buffer, alpha=−lr), with a third of
    /// the memory traffic. False (nothing done) when the tensors do not suit the span loop; the caller then composes.
    /// </summary>
    public static bool TryMomentumStep(Tensor param, Tensor buffer, Tensor grad, double momentum, double scale, double lr)
    {
        if (!Fusable(param, buffer, grad) || buffer.SharesStorageWith(param) || grad.SharesStorageWith(buffer)) return false;
        var kernel = new UpdateRun(UpdateKind.Momentum, momentum, scale, -lr);
        Dispatch.Float(ref kernel, param, buffer, grad, null, null, null);
        param.MarkWritten();
        buffer.MarkWritten();
        return true;
    }

    /// <summary>
    /// <see cref="MomentumStep{T}"/> in chunks across the cores for a large parameter (a 784×256 weight: ~4 MB of
    /// traffic a step, a memory-bound pass that one core does not saturate); each element is computed as before.
    /// </summary>
    private static unsafe void MomentumStepSplit<T>(Span<T> param, Span<T> buffer, ReadOnlySpan<T> grad, T momentum, T scale, T minusLr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        fixed (T* pp = param, pb = buffer, pg = grad)
        {
            // Spans cannot be state; the pointers stay pinned until ForChunks returns.
            Kernels.ElementwiseParallel.ForChunks(param.Length, (Param: (nint)pp, Buffer: (nint)pb, Grad: (nint)pg, momentum, scale, minusLr),
                static (start, length, s) => MomentumStep(new Span<T>((T*)s.Param + start, length),
                    new Span<T>((T*)s.Buffer + start, length), new ReadOnlySpan<T>((T*)s.Grad + start, length),
                    s.momentum, s.scale, s.minusLr));
        }
    }

    private static void MomentumStep<T>(Span<T> param, Span<T> buffer, ReadOnlySpan<T> grad, T momentum, T scale, T minusLr)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> vm = new(momentum), vs = new(scale), vl = new(minusLr);
            for (; i <= param.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                // Separate multiply and add (no FMA), as the unfused ops round.
                var b = new Vector<T>(buffer[i..]) * vm + new Vector<T>(grad[i..]) * vs;
                b.CopyTo(buffer[i..]);
                (b * vl + new Vector<T>(param[i..])).CopyTo(param[i..]);
            }
        }
        for (; i < param.Length; i++)
        {
            T b = buffer[i] * momentum + grad[i] * scale;
            buffer[i] = b;
            param[i] = b * minusLr + param[i];
        }
    }

    /// <summary>
    /// Adam's update of m, v and θ in one pass, for contiguous float tensors of one shape: per element the same
    /// operations, in the same order and dtype, as the separate in-place ops (m·β₁ + g·(1 − β₁); v·β₂ + ((1 − β₂)·g)·g;
    /// θ + (−α·m) / (√v / √(1 − β₂ᵗ) + ε)), so the result is theirs bit for bit without a denominator tensor.
    /// False when the layouts do not allow it; the caller then takes the ops.
    /// </summary>
    public static bool TryAdam(Tensor p, Tensor grad, Tensor m, Tensor v, double beta1, double beta2, double biasCorrection2Sqrt, double eps, double stepSize)
    {
        if (!Fusable(p, grad, m) || !Fusable(p, v, v) || m.SharesStorageWith(p) || v.SharesStorageWith(p) || m.SharesStorageWith(v)) return false;
        var kernel = new UpdateRun(UpdateKind.Adam, beta1, beta2, biasCorrection2Sqrt, eps, stepSize);
        Dispatch.Float(ref kernel, p, grad, m, v, null, null);
        p.MarkWritten();
        m.MarkWritten();
        v.MarkWritten();
        return true;
    }

    private enum UpdateKind { AddScaled, AddScaledAsTorch, Addcmul, Addcdiv, Momentum, Adam }

    /// <summary>
    /// The fused updates as one dispatched kernel over (self, t1, t2[, t3]); every number is converted to the tensors'
    /// dtype exactly as the typed calls did ((float)x for Float32), so the results are unchanged bit for bit.
    /// </summary>
    private readonly struct UpdateRun(UpdateKind kind, double a, double b = 0, double c = 0, double d = 0, double e = 0) : IFloatKernel6
    {
        public void Run<T>(Lent<T> x0, Lent<T> x1, Lent<T> x2, Lent<T> x3, Lent<T> _, Lent<T> __) where T : unmanaged, IFloatingPointIeee754<T>
        {
            switch (kind)
            {
                case UpdateKind.AddScaled:
                {
                    var s = x0.Span;
                    if (typeof(T) == typeof(float))
                    {
                        var sf = System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(s);
                        TensorPrimitives.MultiplyAdd(System.Runtime.InteropServices.MemoryMarshal.Cast<T, float>(x1.Span), (float)a, sf, sf);   // (other·alpha) + self, not fused
                    }
                    else
                    {
                        var sd = System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(s);
                        TensorPrimitives.MultiplyAdd(System.Runtime.InteropServices.MemoryMarshal.Cast<T, double>(x1.Span), a, sd, sd);
                    }
                    break;
                }
                case UpdateKind.AddScaledAsTorch: AddScaledAsTorch(x0.Span, x1.Span, T.CreateTruncating(a)); break;
                case UpdateKind.Addcmul: Addcmul(x0.Span, x1.Span, x2.Span, T.CreateTruncating(a)); break;
                case UpdateKind.Addcdiv: Addcdiv(x0.Span, x1.Span, x2.Span, T.CreateTruncating(a)); break;
                case UpdateKind.Momentum: MomentumStepSplit(x0.Span, x1.Span, x2.Span, T.CreateTruncating(a), T.CreateTruncating(b), T.CreateTruncating(c)); break;
                default:
                    // a = β₁, b = β₂, c = √(1 − β₂ᵗ), d = ε, e = step size; 1 − β computed in double first, as before.
                    Adam(x0.Span, x1.Span, x2.Span, x3.Span, T.CreateTruncating(a), T.CreateTruncating(1 - a), T.CreateTruncating(b),
                        T.CreateTruncating(1 - b), T.CreateTruncating(c), T.CreateTruncating(d), T.CreateTruncating(-e));
                    break;
            }
        }
    }

    private static void Adam<T>(Span<T> p, ReadOnlySpan<T> g, Span<T> m, Span<T> v, T beta1, T oneMinusBeta1, T beta2, T oneMinusBeta2,
        T biasCorrection2Sqrt, T eps, T negativeStepSize) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < p.Length; i++)
        {
            T mi = m[i] * beta1;
            mi = g[i] * oneMinusBeta1 + mi;
            T vi = v[i] * beta2;
            vi += oneMinusBeta2 * g[i] * g[i];
            m[i] = mi;
            v[i] = vi;
            T denom = T.Sqrt(vi) / biasCorrection2Sqrt + eps;
            p[i] += negativeStepSize * mi / denom;
        }
    }

    private static void Addcmul<T>(Span<T> self, ReadOnlySpan<T> t1, ReadOnlySpan<T> t2, T value) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < self.Length; i++) self[i] += value * t1[i] * t2[i];
    }

    private static void Addcdiv<T>(Span<T> self, ReadOnlySpan<T> t1, ReadOnlySpan<T> t2, T value) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < self.Length; i++) self[i] += value * t1[i] / t2[i];
    }

    /// <summary>
    /// True when the span loops apply: one float dtype, one shape, all contiguous, and the operands either
    /// separate from self's storage or exactly self (an element is read before it is written).
    /// </summary>
    private static bool Fusable(Tensor self, Tensor a, Tensor b) =>
        (self.DType == DType.Float32 || self.DType == DType.Float64)
        && Compatible(self, a) && Compatible(self, b);

    private static bool Compatible(Tensor self, Tensor other) =>
        other.DType == self.DType && other.IsContiguous && self.IsContiguous
        && other.Shape.SequenceEqual(self.Shape)
        && (!other.SharesStorageWith(self) || other.Offset == self.Offset);
}
