using System.Numerics;
using Backprop.Kernels;

namespace Backprop;

// Sigmoid, Tanh, Relu, LeakyRelu, Gelu, Softplus: the activations of the seeds and of torch.nn.functional.
public partial class Tensor
{
    /// <summary>1 / (1 + e⁻ˣ) elementwise; like torch.sigmoid.</summary>
    public Tensor Sigmoid()
    {
        var y = UnaryKernel<SigmoidOp>();
        return Graph.Record(y, OpCatalog.Sigmoid, this, y, static (g, y) => SigmoidBackward(g, y), new SavedTensors(y));   // σ' = σ(1 − σ)
    }

    /// <summary>g·(1 − y)·y, the gradient through a sigmoid from its output y, as one op; like torch's sigmoid_backward.</summary>
    internal static Tensor SigmoidBackward(Tensor g, Tensor y)
    {
        var r = BinaryKernel<SigmoidBackwardOp>(nameof(SigmoidBackward), g, y, TypePromotion.ResultType(g, y));
        return Graph.Record(r, OpCatalog.SigmoidBackward, g, y, (g, y),
            static (gg, s) => (s.g.RequiresGrad ? SigmoidBackward(gg, s.y) : null,          // ∂/∂g = (1 − y)·y
                               s.y.RequiresGrad ? gg.Mul(s.g).Mul(1 - 2 * s.y) : null),     // ∂/∂y = g·(1 − 2y)
            new SavedTensors(g, y));
    }

    /// <summary>tanh x elementwise; like torch.tanh.</summary>
    public Tensor Tanh()
    {
        var y = UnaryKernel<TanhOp>();
        return Graph.Record(y, OpCatalog.Tanh, this, y, static (g, y) => TanhBackward(g, y), new SavedTensors(y));   // tanh' = 1 − tanh²
    }

    /// <summary>g·(1 − y²), the gradient through tanh from its output y, as one op; like torch's tanh_backward.</summary>
    internal static Tensor TanhBackward(Tensor g, Tensor y)
    {
        var r = BinaryKernel<TanhBackwardOp>(nameof(TanhBackward), g, y, TypePromotion.ResultType(g, y));
        return Graph.Record(r, OpCatalog.TanhBackward, g, y, (g, y),
            static (gg, s) => (s.g.RequiresGrad ? TanhBackward(gg, s.y) : null,           // ∂/∂g = 1 − y²
                               s.y.RequiresGrad ? gg.Mul(s.g).Mul(s.y).Mul(-2) : null),   // ∂/∂y = −2·y·g
            new SavedTensors(g, y));
    }

    /// <summary>max(x, 0) elementwise; like torch.relu.</summary>
    public Tensor Relu()
    {
        var y = DType.IsFloatingPoint() ? UnaryKernel<ReluOp>() : Where(Gt(0), this, ZerosLike(this));
        return Graph.Record(y, OpCatalog.Relu, this, y, static (g, y) => ThresholdBackward(g, y), new SavedTensors(y));
    }

    /// <summary>
    /// g where y &gt; 0, else 0: the gradient through ReLU from its output y, as one op with its own backward (PyTorch's
    /// threshold_backward(grad, result, 0)): the fused kernel serves plain and createGraph passes alike.
    /// </summary>
    internal static Tensor ThresholdBackward(Tensor g, Tensor y)
    {
        var r = ThresholdBackwardKernel(g, y);
        return Graph.Record(r, OpCatalog.ThresholdBackward, g, y, (g, y),
            static (gg, s) => (s.g.RequiresGrad ? ThresholdBackward(gg, s.y) : null,   // ∂/∂g: the same mask
                               s.y.RequiresGrad ? ZerosLike(gg) : null),               // ∂/∂y: zeros, as PyTorch's zeros_like(grad)
            new SavedTensors(y));
    }

    /// <summary>g where y &gt; 0, else 0, outside the graph (y is ReLU's contiguous floating-point output).</summary>
    private static Tensor ThresholdBackwardKernel(Tensor g, Tensor y)
    {
        var gc = g.DType == y.DType ? (g.IsContiguous ? g : g.CloneContiguous()) : g.To(y.DType).Contiguous();
        var result = Uninitialized(y.DType, y.ShapeArray);   // every element written
        var kernel = new ReluBackwardRun();
        Dispatch.Float(ref kernel, gc, y, result);
        return result;
    }

    private readonly struct ReluBackwardRun : IFloatKernel
    {
        public void Run<T>(Lent<T> g, Lent<T> y, Lent<T> result) where T : unmanaged, IFloatingPointIeee754<T>
            => Elementwise.ReluBackward<T>(g.Span, y.Span, result.Span);
    }

    /// <summary>x for x &gt; 0, negativeSlope·x otherwise; like torch.nn.functional.leaky_relu.</summary>
    public Tensor LeakyRelu(double negativeSlope = 0.01)
    {
        var x = this;
        var y = MapKernel(new LeakyReluFunc(negativeSlope));
        return Tracing.Op(Graph.Record(y, OpCatalog.LeakyRelu, x, g => Where(x.Gt(0), g, g.Mul(negativeSlope)), new SavedTensors(x)),
            OpCatalog.LeakyRelu, x, negativeSlope);
    }

    /// <summary>x·Φ(x) with the exact normal CDF; like torch.nn.functional.gelu (approximate='none').</summary>
    public Tensor Gelu()
    {
        var x = this;
        return Graph.Record(UnaryKernel<GeluOp>(), OpCatalog.Gelu, x, x, static (g, x) => GeluBackward(g, x), new SavedTensors(x));
    }

    /// <summary>
    /// g·(Φ(x) + x·φ(x)), the gradient through GELU from its input x (d/dx x·Φ(x), with Φ(x) = (1 + erf(x/√2))/2 and
    /// φ(x) = e^(−x²/2)/√(2π)), as one op with its own backward; like torch's gelu_backward (approximate='none').
    /// </summary>
    internal static Tensor GeluBackward(Tensor g, Tensor x)
    {
        var r = BinaryKernel<GeluBackwardOp>(nameof(GeluBackward), g, x, TypePromotion.ResultType(g, x));
        return Graph.Record(r, OpCatalog.GeluBackward, g, x, (g, x),
            static (gg, s) => (s.g.RequiresGrad ? GeluBackward(gg, s.x) : null,   // ∂/∂g = Φ(x) + x·φ(x)
                               s.x.RequiresGrad ? GeluSecondDerivative(s.x).Mul(s.g).Mul(gg) : null),
            new SavedTensors(g, x));
    }

    // d²/dx² x·Φ(x) = φ(x)·(2 − x²), as PyTorch's gelu_double_backward.
    private static Tensor GeluSecondDerivative(Tensor x)
    {
        var xx = x.Mul(x);
        return xx.Mul(-0.5).Exp().Div(Math.Sqrt(2 * Math.PI)).Mul(xx.Neg().Add(2));
    }

    /// <summary>log(1 + e^(βx))/β, and x itself where βx &gt; threshold; like torch.nn.functional.softplus.</summary>
    public Tensor Softplus(double beta = 1, double threshold = 20)
    {
        var x = this;
        var y = MapKernel(new SoftplusFunc(beta, threshold));
        return Graph.Record(y, OpCatalog.Softplus, x, g =>
        {
            var bx = x.Mul(beta);
            return Where(bx.Gt(threshold), g, g.Mul(bx.Sigmoid()));   // d softplus = σ(βx)
        }, new SavedTensors(x));
    }

    private readonly struct LeakyReluFunc(double slope) : IElementFunc
    {
        public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T> => x > T.Zero ? x : x * T.CreateTruncating(slope);
    }

    private readonly struct SoftplusFunc(double beta, double threshold) : IElementFunc
    {
        public T Invoke<T>(T x) where T : unmanaged, IFloatingPointIeee754<T>
        {
            var b = T.CreateTruncating(beta);
            var bx = x * b;
            return bx > T.CreateTruncating(threshold) ? x : T.LogP1(T.Exp(bx)) / b;
        }
    }
}
