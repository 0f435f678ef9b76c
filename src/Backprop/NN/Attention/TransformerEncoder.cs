namespace Backprop.NN;

/// <summary>
/// numLayers copies of an encoder layer (registered as "layers.0", "layers.1", … with the given layer's weights, as
/// torch deep-copies it), run in order, then an optional final norm ("norm"). Like torch.nn.TransformerEncoder(
/// encoder_layer, num_layers, norm).
/// </summary>
public sealed class TransformerEncoder : Module
{
    /// <summary>The layers; like encoder.layers.</summary>
    public ModuleList Layers { get; }

    /// <summary>The number of layers; like encoder.num_layers.</summary>
    public int NumLayers { get; }

    /// <summary>The final norm, or null; like encoder.norm.</summary>
    public Module<Tensor, Tensor>? Norm { get; }

    /// <summary>numLayers copies of encoderLayer (which itself is not registered), then norm when given.</summary>
    public TransformerEncoder(TransformerEncoderLayer encoderLayer, int numLayers, Module<Tensor, Tensor>? norm = null)
    {
        ArgumentNullException.ThrowIfNull(encoderLayer);
        if (numLayers <= 0) throw new ArgumentException($"TransformerEncoder: num_layers must be positive, got {numLayers}");
        NumLayers = numLayers;
        Layers = RegisterModule("layers", new ModuleList(Enumerable.Range(0, numLayers).Select(_ => (Module)encoderLayer.Clone())));
        if (norm is not null) Norm = RegisterModule("norm", norm);
    }

    /// <summary>
    /// Every layer on src with the same masks (see <see cref="TransformerEncoderLayer.Forward"/>), then the norm;
    /// like encoder(src, mask, src_key_padding_mask).
    /// </summary>
    public Tensor Forward(Tensor src, Tensor? mask = null, Tensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        var x = src;
        foreach (var layer in Layers) x = ((TransformerEncoderLayer)layer).Call(x, mask, srcKeyPaddingMask, isCausal);
        return Norm is null ? x : Norm.Call(x);
    }

    /// <summary>Calls the encoder with its hooks, which see src as the one input (the masks as torch's keyword arguments); like encoder(src, ...).</summary>
    public Tensor Call(Tensor src, Tensor? mask = null, Tensor? srcKeyPaddingMask = null, bool isCausal = false) =>
        HasHooks ? (Tensor)CallWithHooks([src], xs => Forward((Tensor)xs[0]!, mask, srcKeyPaddingMask, isCausal))!
                 : Forward(src, mask, srcKeyPaddingMask, isCausal);

    /// <summary>
    /// The causal mask [size, size]: 0 on and below the diagonal, −∞ above it, so position i attends to 0..i only;
    /// like torch.nn.Transformer.generate_square_subsequent_mask(sz).
    /// </summary>
    public static Tensor GenerateSquareSubsequentMask(int size, DType dtype = DType.Float32)
    {
        if (size < 0) throw new ArgumentException($"GenerateSquareSubsequentMask: size must be non-negative, got {size}");
        return Tensor.Full([size, size], double.NegativeInfinity, dtype).Triu(1);
    }
}
