namespace Backprop.NN;

public static partial class F
{
    /// <summary>
    /// A 1-D convolution (cross-correlation) of input [N, C_in, L] (or unbatched [C_in, L]) with weight
    /// [C_out, C_in/groups, K]: Conv2d over a height of one, so it shares Conv2d's kernels and autograd. padding is an
    /// int or "same"/"valid" (<see cref="ConvPadding.Same"/>). Like torch.nn.functional.conv1d.
    /// </summary>
    public static Tensor Conv1d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, ConvPadding? padding = null, int dilation = 1, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Dim is not (2 or 3))
            throw new ArgumentException($"Conv1d: Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: {Shapes.Format(input.ShapeArray)}");
        if (weight.Dim != 3) throw new ArgumentException($"Conv1d: expected a weight of 3 dims [out, in/groups, kernel], got {Shapes.Format(weight.ShapeArray)}");
        var p = padding ?? 0;
        if (!p.IsSame && p.Name is null && p.Height != p.Width)
            throw new ArgumentException($"Conv1d: padding must be one int, got ({p.Height}, {p.Width})");
        // Height one: pad nothing along it ("same" pads a kernel of height one by nothing), pad the length by p.
        ConvPadding padding2d = p.Name is not null ? p : (0, p.Width);
        bool batched = input.Dim == 3;
        var x = (batched ? input : input.Unsqueeze(0)).Unsqueeze(2);
        var y = Tensor.Conv2d(x, weight.Unsqueeze(2), bias, new Size2(1, stride), padding2d, new Size2(1, dilation), groups).Squeeze(2);
        return batched ? y : y.Squeeze(0);
    }
}
