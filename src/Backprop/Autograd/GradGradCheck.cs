namespace Backprop;

public static partial class Autograd
{
    /// <summary>
    /// Checks second derivatives: GradCheck on the function that maps (inputs, gradOutput) to the first-order
    /// gradients Autograd.Grad(function(inputs), inputs, gradOutput, createGraph: true), so every backward rule on the
    /// way must itself be differentiable (backward written in tensor ops). gradOutput defaults to a fixed random
    /// Float64 tensor of the output's shape. The first-order gradients are checked as one flattened output, input by
    /// input, so an "output element" in a mismatch message counts through them in that order. Like
    /// torch.autograd.gradgradcheck.
    /// </summary>
    public static bool GradGradCheck(Func<Tensor[], Tensor> function, Tensor[] inputs, Tensor? gradOutput = null,
        double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        if (gradOutput is null)
        {
            Tensor output;
            using (NoGrad()) output = function(inputs);
            gradOutput = Tensor.Randn(output.Shape.ToArray(), DType.Float64, new Generator(0)).RequiresGrad_();
        }
        else if (!gradOutput.RequiresGrad || !gradOutput.IsLeaf)
            throw new ArgumentException("GradGradCheck: gradOutput must be a Float64 leaf that requires grad (it is checked as an input too)");

        var differentiable = new List<int>();
        for (int i = 0; i < inputs.Length; i++)
            if (inputs[i].RequiresGrad) differentiable.Add(i);

        Tensor FirstOrderGradients(Tensor[] all)
        {
            var xs = all[..^1];
            var output = function(xs);
            var diffInputs = differentiable.Select(i => xs[i]).ToArray();
            var grads = Grad([output], diffInputs, [all[^1]], createGraph: true, allowUnused: true);
            var flat = new List<Tensor>();
            foreach (var g in grads)
                if (g is not null) flat.Add(g.Reshape(-1));
            if (flat.Count == 0)
                throw new ArgumentException("GradGradCheck: the function's output does not depend on any input that requires grad");
            return Tensor.Cat([.. flat]);
        }

        return GradCheck(FirstOrderGradients, [.. inputs, gradOutput], eps, atol, rtol, raiseException);
    }

    /// <summary>GradGradCheck for a function of one tensor.</summary>
    public static bool GradGradCheck(Func<Tensor, Tensor> function, Tensor input, Tensor? gradOutput = null,
        double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true)
        => GradGradCheck(xs => function(xs[0]), [input], gradOutput, eps, atol, rtol, raiseException);
}
