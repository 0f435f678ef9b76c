namespace Backprop.NN;

public static partial class F
{
    /// <summary>
    /// Normalises over the last normalizedShape.Length dims: (x − mean) / √(var + eps) with the biased variance, then
    /// · weight + bias when given (both of shape normalizedShape). Composed of recorded ops, so it has every derivative.
    /// Like torch.nn.functional.layer_norm(input, normalized_shape, weight, bias, eps).
    /// </summary>
    public static Tensor LayerNorm(Tensor input, int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(normalizedShape);
        int k = normalizedShape.Length;
        if (k == 0) throw new ArgumentException("LayerNorm: normalized_shape must have at least one dimension");
        var shape = input.ShapeArray;
        if (input.Dim < k || !shape.AsSpan(input.Dim - k).SequenceEqual(normalizedShape))
            throw new ArgumentException(
                $"LayerNorm: Given normalized_shape={Shapes.Format(normalizedShape)}, expected input with shape [*, {string.Join(", ", normalizedShape)}], " +
                $"but got input of size {Shapes.Format(shape)}");
        if (!input.DType.IsFloatingPoint()) throw new ArgumentException($"LayerNorm: expected a floating-point input, got {input.DType.TorchName()}");
        if (weight is not null && !weight.ShapeArray.SequenceEqual(normalizedShape))
            throw new ArgumentException($"LayerNorm: weight of shape {Shapes.Format(weight.ShapeArray)} does not match normalized_shape {Shapes.Format(normalizedShape)}");
        if (bias is not null && !bias.ShapeArray.SequenceEqual(normalizedShape))
            throw new ArgumentException($"LayerNorm: bias of shape {Shapes.Format(bias.ShapeArray)} does not match normalized_shape {Shapes.Format(normalizedShape)}");
        var dims = Enumerable.Range(input.Dim - k, k).ToArray();
        var mean = input.Mean(dims, keepDim: true);
        var centered = input.Sub(mean);
        var variance = centered.Mul(centered).Mean(dims, keepDim: true);   // biased, as torch's layer_norm
        var y = centered.Div(variance.Add(eps).Sqrt());
        if (weight is not null) y = y.Mul(weight);
        if (bias is not null) y = y.Add(bias);
        Tracing.Current?.Op(new TracedOp(OpCatalog.Traced.LayerNorm, y, [input, weight, bias], [normalizedShape, eps]));
        return y;
    }
}
