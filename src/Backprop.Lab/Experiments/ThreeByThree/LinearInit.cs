namespace Backprop.Lab.Experiments.ThreeByThree;

/// <summary>nn.Linear's default weight initialisation, as PyTorch 1.13 draws it.</summary>
internal static class LinearInit
{
    /// <summary>
    /// kaiming_uniform_(weight, a=√5): gain = √(2/(1 + a²)), std = gain/√fan_in, bound = √3·std, then uniform_(−bound, bound)
    /// on a float32 [out, in] tensor; the same arithmetic as torch.nn.init, so the same draws from the same generator.
    /// </summary>
    public static Tensor KaimingUniformWeight(int outFeatures, int inFeatures, Generator generator)
    {
        double a = Math.Sqrt(5.0);
        double gain = Math.Sqrt(2.0 / (1 + Math.Pow(a, 2)));
        double std = gain / Math.Sqrt(inFeatures);
        double bound = Math.Sqrt(3.0) * std;
        return Tensor.Zeros([outFeatures, inFeatures], DType.Float32).Uniform_(-bound, bound, generator);
    }
}
