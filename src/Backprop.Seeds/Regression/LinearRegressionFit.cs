using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Seeds.Regression;

/// <summary>
/// Seeds 001 and 002: y = w·x + b fitted by gradient descent on the mean squared error, one step at a time, either as
/// the seed writes it (tensors w and b, loss = (y − ŷ)².mean(), a hand update under no_grad) or as Linear(1, 1) +
/// MSELoss + SGD. The lab runs it to the end; the playground steps it live.
/// </summary>
public sealed class LinearRegressionFit
{
    private readonly Tensor _x, _y;
    private readonly double _lr;
    private readonly Tensor? _w, _b;
    private readonly Linear? _model;
    private readonly MSELoss? _criterion;
    private readonly SGD? _optimizer;

    /// <summary>x and y: [n, 1] columns in the dtype to fit in.</summary>
    public LinearRegressionFit(Tensor x, Tensor y, double w0, double b0, double lr, bool module)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        (_x, _y, _lr) = (x, y, lr);
        if (module)
        {
            _model = new Linear(1, 1, dtype: x.DType);
            using (Autograd.NoGrad())
            {
                _model.Weight.Fill_(w0);
                _model.Bias!.Fill_(b0);
            }
            _criterion = new MSELoss();
            _optimizer = new SGD(_model.Parameters(), lr: lr);
        }
        else
        {
            _w = Tensor.Full([1, 1], w0, x.DType).RequiresGrad_();
            _b = Tensor.Full([1], b0, x.DType).RequiresGrad_();
        }
    }

    public double W => (_model?.Weight ?? _w!).Item();

    public double B => (_model?.Bias ?? _b!).Item();

    /// <summary>One step; returns the loss at the weights before it.</summary>
    public double Step()
    {
        if (_model is not null)
        {
            var loss = _criterion!.Forward(_model.Forward(_x), _y);
            _optimizer!.ZeroGrad();
            loss.Backward();
            _optimizer.Step();
            return loss.Item();
        }
        var y_predict = _x.MatMul(_w!) + _b!;
        var l = (_y - y_predict).Pow(2).Mean();
        _w!.Grad?.Zero_();
        _b!.Grad?.Zero_();
        l.Backward();
        using (Autograd.NoGrad())
        {
            _w.Sub_(_lr * _w.Grad!);
            _b.Sub_(_lr * _b.Grad!);
        }
        return l.Item();
    }

    /// <summary>
    /// Seed 002's data: x = torch.rand(n, 1) after torch.manual_seed(seed), y = 3x + 1, plus noise·torch.randn(n, 1)
    /// drawn next from the same generator when noise is not 0.
    /// </summary>
    public static (double[] X, double[] Y) Points(int n, long seed, double noise = 0)
    {
        var generator = new Generator(unchecked((ulong)seed));
        var x = Tensor.Rand([n, 1], DType.Float32, generator);
        var y = x * 3 + 1;
        if (noise != 0) y = y + noise * Tensor.Randn([n, 1], DType.Float32, generator);
        return (x.ToDoubleArray(), y.ToDoubleArray());
    }
}
