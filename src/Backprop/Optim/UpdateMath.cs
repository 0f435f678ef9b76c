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
            if (self.DType == DType.Float32)
            {
                var s = self.Span<float>();
                TensorPrimitives.MultiplyAdd(other.Span<float>(), (float)alpha, s, s);   // (other·alpha) + self, not fused
            }
            else
            {
                var s = self.Span<double>();
                TensorPrimitives.MultiplyAdd(other.Span<double>(), alpha, s, s);
            }
            self.Storage.Version++;
            return;
        }
        self.Add_(other, alpha);
    }

    /// <summary>self += value·t1·t2; like self.addcmul_(t1, t2, value=value).</summary>
    public static void Addcmul(Tensor self, Tensor t1, Tensor t2, double value)
    {
        if (Fusable(self, t1, t2))
        {
            if (self.DType == DType.Float32) Addcmul(self.Span<float>(), t1.Span<float>(), t2.Span<float>(), (float)value);
            else Addcmul(self.Span<double>(), t1.Span<double>(), t2.Span<double>(), value);
            self.Storage.Version++;
            return;
        }
        self.Copy_(self.Add(t1.Mul(value).Mul(t2)));
    }

    /// <summary>self += value·t1/t2; like self.addcdiv_(t1, t2, value=value).</summary>
    public static void Addcdiv(Tensor self, Tensor t1, Tensor t2, double value)
    {
        if (Fusable(self, t1, t2))
        {
            if (self.DType == DType.Float32) Addcdiv(self.Span<float>(), t1.Span<float>(), t2.Span<float>(), (float)value);
            else Addcdiv(self.Span<double>(), t1.Span<double>(), t2.Span<double>(), value);
            self.Storage.Version++;
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
        if (param.DType == DType.Float32)
            MomentumStep(param.Span<float>(), buffer.Span<float>(), grad.Span<float>(), (float)momentum, (float)scale, (float)-lr);
        else
            MomentumStep(param.Span<double>(), buffer.Span<double>(), grad.Span<double>(), momentum, scale, -lr);
        param.Storage.Version++;
        buffer.Storage.Version++;
        return true;
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
