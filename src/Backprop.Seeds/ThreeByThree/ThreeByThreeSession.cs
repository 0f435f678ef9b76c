using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Seeds.ThreeByThree;

/// <summary>One step of <see cref="ThreeByThreeSession"/>: the loss before it, both gradients, both weights after it (row-major [out, in]).</summary>
public sealed record ThreeByThreeStep(double Loss, double HandLoss, double[] AutogradGrad, double[] HandGrad, double[] LibraryWeight, double[] HandWeight);

/// <summary>
/// Seed 004: Linear(3, 3, bias=False) + sigmoid + mse_loss trained by the library's optimizer (autograd's gradient),
/// and beside it the seed's DiyModel with its hand-written gradient and hand-written SGD or Adam step, from the same
/// start. The lab runs it for its report; the playground steps it live and shows the differences.
/// </summary>
public sealed class ThreeByThreeSession
{
    public static readonly double[] SeedX = [-0.5, 0.1, 1.1];
    public static readonly double[] SeedY = [0.1, 0.2, 9.9];
    public static readonly double[] SeedWeights = [0.1, -0.2, 0.3, -0.4, 0.5, -0.6, 0.7, -0.8, 0.9];

    private readonly double[] _xs, _ys;
    private readonly Tensor _x, _y;
    private readonly Linear _layer;
    private readonly MSELoss _mse = new();
    private readonly Optimizer _optimizer;
    private readonly double _lr;
    private readonly bool _adam;

    public DiyModel Diy { get; }

    /// <summary>The library's weight, [3, 3].</summary>
    public Tensor Weight => _layer.Weight;

    public ThreeByThreeSession(double[] x, double[] y, double[] startWeights, bool adam, double lr, DType dtype)
    {
        (_xs, _ys, _adam, _lr) = (x, y, adam, lr);
        _x = Tensor.From(x, 1, 3).To(dtype);
        _y = Tensor.From(y, 1, 3).To(dtype);
        // Seed 004's TorchModel: Linear(3, 3, bias=False), sigmoid, nn.functional.mse_loss; the weight set to the start.
        _layer = new Linear(3, 3, bias: false, dtype: dtype);
        using (Autograd.NoGrad()) _layer.Weight.Copy_(Tensor.From(startWeights, 3, 3).To(dtype));
        _optimizer = adam ? new Adam(_layer.Parameters(), lr: lr) : new SGD(_layer.Parameters(), lr: lr);
        Diy = new DiyModel(DiyModel.Unflatten(startWeights));
    }

    /// <summary>nn.Linear(3, 3, bias=False)'s own initialisation after torch.manual_seed(seed) (float32, kaiming_uniform_(a=√5)).</summary>
    public static double[] RandomWeights(long seed) =>
        new Linear(3, 3, bias: false, dtype: DType.Float32, generator: new Generator(unchecked((ulong)seed))).Weight.ToDoubleArray();

    /// <summary>One step of both: zero_grad, loss, backward, optimizer step; and the DiyModel's forward, gradient and step.</summary>
    public ThreeByThreeStep Step()
    {
        _optimizer.ZeroGrad();
        var loss = _mse.Forward(_layer.Forward(_x).Sigmoid(), _y);   // mse_loss(sigmoid(x @ weightᵀ), y)
        loss.Backward();
        var autogradGrad = _layer.Weight.Grad!.ToDoubleArray();

        var yPred = Diy.Forward(_xs);
        var handGrad = DiyModel.CalculateGrad(yPred, _ys, _xs);
        double handLoss = DiyModel.MseLoss(yPred, _ys);
        double lossValue = loss.Item();
        _optimizer.Step();
        if (_adam) Diy.AdamStep(handGrad, _lr);
        else Diy.SgdStep(handGrad, _lr);
        return new ThreeByThreeStep(lossValue, handLoss, autogradGrad, DiyModel.Flatten(handGrad), _layer.Weight.ToDoubleArray(), DiyModel.Flatten(Diy.Weight));
    }
}
