namespace Backprop.Seeds.ThreeByThree;

/// <summary>
/// Seed 004's DiyModel, in plain doubles as the seed writes it with numpy: the forward pass x·Wᵀ, sigmoid and the mean
/// squared error, the gradient worked out element by element, and hand-written SGD and Adam steps.
/// </summary>
public sealed class DiyModel(double[,] weight)
{
    /// <summary>The weight as PyTorch stores it: [out, in].</summary>
    public double[,] Weight { get; private set; } = weight;

    // Adam's running state. The seed's diy_adam starts t, m and v at 0 on every call, which is right for the one step it
    // takes; kept here so that several steps follow torch.optim.Adam.
    private int _t;
    private double[,] _m = new double[3, 3], _v = new double[3, 3];

    /// <summary>y_pred = sigmoid(x · Wᵀ).</summary>
    public double[] Forward(double[] x)
    {
        var y = new double[3];
        for (int j = 0; j < 3; j++)
        {
            double wx = 0;
            for (int i = 0; i < 3; i++) wx += x[i] * Weight[j, i];
            y[j] = 1 / (1 + Math.Exp(-wx));
        }
        return y;
    }

    /// <summary>np.sum(np.square(y_pred − y_true)) / len(y_pred).</summary>
    public static double MseLoss(double[] yPred, double[] yTrue) => yPred.Zip(yTrue, (p, t) => (p - t) * (p - t)).Sum() / yPred.Length;

    /// <summary>The seed's calculate_grad: the chain rule element by element, then transposed as PyTorch stores the weight.</summary>
    public static double[,] CalculateGrad(double[] y_pred, double[] y_true, double[] x)
    {
        // d/dy_pred of (y_pred − y_true)²/n = 2(y_pred − y_true)/n
        var grad_mse = new double[3];
        for (int j = 0; j < 3; j++) grad_mse[j] = 2.0 / x.Length * (y_pred[j] - y_true[j]);
        // sigmoid's derivative through its output: y(1 − y)
        var grad_sigmoid = new double[3];
        for (int j = 0; j < 3; j++) grad_sigmoid[j] = y_pred[j] * (1 - y_pred[j]);
        // wx = [w11·x0 + w21·x1 + w31·x2, ...]: w_ij carries x_i into output j
        double grad_w11 = grad_mse[0] * grad_sigmoid[0] * x[0];
        double grad_w12 = grad_mse[1] * grad_sigmoid[1] * x[0];
        double grad_w13 = grad_mse[2] * grad_sigmoid[2] * x[0];
        double grad_w21 = grad_mse[0] * grad_sigmoid[0] * x[1];
        double grad_w22 = grad_mse[1] * grad_sigmoid[1] * x[1];
        double grad_w23 = grad_mse[2] * grad_sigmoid[2] * x[1];
        double grad_w31 = grad_mse[0] * grad_sigmoid[0] * x[2];
        double grad_w32 = grad_mse[1] * grad_sigmoid[1] * x[2];
        double grad_w33 = grad_mse[2] * grad_sigmoid[2] * x[2];
        var grad = new double[,]
        {
            { grad_w11, grad_w12, grad_w13 },
            { grad_w21, grad_w22, grad_w23 },
            { grad_w31, grad_w32, grad_w33 },
        };
        // PyTorch stores the weight transposed ([out, in]), so the gradient is handed back transposed too.
        return Transpose(grad);
    }

    /// <summary>diy_sgd: weight − learning_rate · grad.</summary>
    public void SgdStep(double[,] grad, double learningRate)
    {
        var w = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) w[i, j] = Weight[i, j] - learningRate * grad[i, j];
        Weight = w;
    }

    /// <summary>diy_adam: m and v the running averages of g and g², bias-corrected, weight − α·m̂/(√v̂ + ε).</summary>
    public void AdamStep(double[,] grad, double alpha, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8)
    {
        _t = _t + 1;
        var w = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                double gt = grad[i, j];
                _m[i, j] = beta1 * _m[i, j] + (1 - beta1) * gt;
                _v[i, j] = beta2 * _v[i, j] + (1 - beta2) * gt * gt;
                double mth = _m[i, j] / (1 - Math.Pow(beta1, _t));
                double vth = _v[i, j] / (1 - Math.Pow(beta2, _t));
                w[i, j] = Weight[i, j] - alpha * mth / (Math.Sqrt(vth) + eps);
            }
        Weight = w;
    }

    public static double[,] Transpose(double[,] a)
    {
        var t = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) t[j, i] = a[i, j];
        return t;
    }

    public static double[] Flatten(double[,] a) => a.Cast<double>().ToArray();

    public static double[,] Unflatten(IReadOnlyList<double> v)
    {
        var a = new double[3, 3];
        for (int k = 0; k < 9; k++) a[k / 3, k % 3] = v[k];
        return a;
    }
}
