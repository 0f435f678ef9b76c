namespace Backprop;

public static partial class Autograd
{
    /// <summary>
    /// Compares the gradients backward computes with central finite differences, element by element, for every
    /// input that requires grad (which must be Float64 leaves without stride-0 dims). Returns true when all agree
    /// within atol + rtol·|numerical|; otherwise throws a <see cref="GradCheckException"/> naming the first input
    /// and element that disagree (or returns false when raiseException is false). Like torch.autograd.gradcheck.
    /// </summary>
    public static bool GradCheck(Func<Tensor[], Tensor> function, Tensor[] inputs,
        double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true)
    {
        ArgumentNullException.ThrowIfNull(function);
        ArgumentNullException.ThrowIfNull(inputs);
        var checkedInputs = new List<int>();
        for (int i = 0; i < inputs.Length; i++)
        {
            var x = inputs[i];
            if (!x.RequiresGrad) continue;
            if (x.DType != DType.Float64)
                throw new ArgumentException($"GradCheck: input {i} is {x.DType.TorchName()}; finite differences need torch.float64 inputs to be precise");
            if (!x.IsLeaf) throw new ArgumentException($"GradCheck: input {i} is not a leaf; pass leaves and build views inside the function");
            for (int d = 0; d < x.Dim; d++)
                if (x.StrideArray[d] == 0 && x.ShapeArray[d] > 1)
                    throw new ArgumentException(
                        $"GradCheck: input {i} has a dimension with stride 0; gradcheck only supports inputs that are non-overlapping to be able to compute the numerical gradients correctly");
            checkedInputs.Add(i);
        }
        if (checkedInputs.Count == 0) throw new ArgumentException("GradCheck: no input requires grad");

        var output = function(inputs);
        if (!output.DType.IsFloatingPoint()) throw new ArgumentException($"GradCheck: the function's output is {output.DType.TorchName()}; it must be floating point");
        int m = output.Numel;
        var diffInputs = checkedInputs.Select(i => inputs[i]).ToArray();

        // analytical[input][element, outputElement], one backward per output element
        var analytical = diffInputs.Select(x => new double[x.Numel, m]).ToArray();
        if (output.RequiresGrad)
            for (int j = 0; j < m; j++)
            {
                var oneHot = Tensor.ZerosLike(output);
                oneHot.FillAt(j, 1);
                var grads = Grad([output], diffInputs, [oneHot], retainGraph: true, allowUnused: true);
                for (int k = 0; k < diffInputs.Length; k++)
                {
                    if (grads[k] is not { } g) continue;
                    var values = g.ToDoubleArray();
                    for (int e = 0; e < values.Length; e++) analytical[k][e, j] = values[e];
                }
            }

        for (int k = 0; k < diffInputs.Length; k++)
        {
            var x = diffInputs[k];
            for (int e = 0; e < x.Numel; e++)
            {
                int slot = x.StorageIndex(e);
                double original = Dispatch.Element<double>(x, slot);
                // Grad mode stays on: the function may itself call Autograd.Grad (second-order checks).
                // The raw writes bypass the version counter on purpose: nothing is saved across them.
                double[] plus, minus;
                try
                {
                    Dispatch.SetElement(x, slot, original + eps);
                    plus = function(inputs).ToDoubleArray();
                    Dispatch.SetElement(x, slot, original - eps);
                    minus = function(inputs).ToDoubleArray();
                }
                finally
                {
                    Dispatch.SetElement(x, slot, original);
                }
                for (int j = 0; j < m; j++)
                {
                    double numerical = (plus[j] - minus[j]) / (2 * eps);
                    double a = analytical[k][e, j];
                    if (Math.Abs(a - numerical) <= atol + rtol * Math.Abs(numerical)) continue;
                    if (!raiseException) return false;
                    throw new GradCheckException(
                        $"GradCheck: Jacobian mismatch for output 0 with respect to input {checkedInputs[k]}, element {e} " +
                        $"(index {Shapes.Format(x.UnravelIndex(e))}), output element {j}: numerical {numerical:R}, analytical {a:R}");
                }
            }
        }
        return true;
    }

    /// <summary>GradCheck for a function of one tensor.</summary>
    public static bool GradCheck(Func<Tensor, Tensor> function, Tensor input,
        double eps = 1e-6, double atol = 1e-5, double rtol = 1e-3, bool raiseException = true)
        => GradCheck(xs => function(xs[0]), [input], eps, atol, rtol, raiseException);
}

/// <summary>Thrown by <see cref="Autograd.GradCheck(Func{Tensor[], Tensor}, Tensor[], double, double, double, bool)"/> when gradients disagree.</summary>
public sealed class GradCheckException(string message) : Exception(message);
