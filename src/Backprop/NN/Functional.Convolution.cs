namespace Backprop.NN;

// The functional forms of the convolution, pooling and normalisation layers; the ops themselves live on Tensor
// (Ops/Convolution.cs, Ops/Pooling.cs, Ops/Normalization.cs).
public static partial class F
{
    /// <summary>2-D convolution of input [N, C, H, W] (or [C, H, W]) with weight [O, C/groups, kH, kW]; like F.conv2d.</summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, Size2? stride = null, ConvPadding? padding = null,
        Size2? dilation = null, int groups = 1) => Tensor.Conv2d(input, weight, bias, stride, padding, dilation, groups);

    /// <summary>The sliding windows of input as columns [N, C·kH·kW, L]; like F.unfold.</summary>
    public static Tensor Unfold(Tensor input, Size2 kernelSize, Size2? dilation = null, Size2? padding = null, Size2? stride = null)
        => Tensor.Unfold(input, kernelSize, dilation, padding, stride);

    /// <summary>Columns [N, C·kH·kW, L] summed back into an image [N, C, outputH, outputW]; like F.fold.</summary>
    public static Tensor Fold(Tensor input, Size2 outputSize, Size2 kernelSize, Size2? dilation = null, Size2? padding = null, Size2? stride = null)
        => Tensor.Fold(input, outputSize, kernelSize, dilation, padding, stride);

    /// <summary>The maximum over each window; like F.max_pool2d.</summary>
    public static Tensor MaxPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, Size2? dilation = null,
        bool ceilMode = false) => Tensor.MaxPool2d(input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>The maximum over each window and where in the plane it was; like F.max_pool2d(..., return_indices=True).</summary>
    public static (Tensor Values, Tensor Indices) MaxPool2dWithIndices(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null,
        Size2? dilation = null, bool ceilMode = false) => Tensor.MaxPool2dWithIndices(input, kernelSize, stride, padding, dilation, ceilMode);

    /// <summary>The mean over each window; like F.avg_pool2d.</summary>
    public static Tensor AvgPool2d(Tensor input, Size2 kernelSize, Size2? stride = null, Size2? padding = null, bool ceilMode = false,
        bool countIncludePad = true, int? divisorOverride = null)
        => Tensor.AvgPool2d(input, kernelSize, stride, padding, ceilMode, countIncludePad, divisorOverride);

    /// <summary>Average pooling to a fixed output size; like F.adaptive_avg_pool2d.</summary>
    public static Tensor AdaptiveAvgPool2d(Tensor input, Size2 outputSize) => Tensor.AdaptiveAvgPool2d(input, outputSize);

    /// <summary>Batch normalisation over the channel dim (1); like F.batch_norm.</summary>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight = null, Tensor? bias = null,
        bool training = false, double momentum = 0.1, double eps = 1e-5)
        => Tensor.BatchNorm(input, runningMean, runningVar, weight, bias, training, momentum, eps);
}
