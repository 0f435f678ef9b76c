using System.Globalization;

namespace Backprop.NN;

/// <summary>
/// One transformer encoder block: self-attention and a feed-forward network (linear1, activation, dropout,
/// linear2), each with a residual connection and a LayerNorm: after the sum (post-norm, the default) or before the
/// block (normFirst, pre-norm, as GPT). PyTorch's submodule names and creation order (self_attn, linear1, dropout,
/// linear2, norm1, norm2, dropout1, dropout2), so state dicts match and the same seed gives torch's weights.
/// The activation defaults to ReLU (pass <c>x =&gt; F.Gelu(x)</c> for GELU). Like torch.nn.TransformerEncoderLayer(
/// d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps, batch_first, norm_first, dtype=dtype).
/// </summary>
public sealed class TransformerEncoderLayer : Module
{
    private readonly Func<Tensor, Tensor> _activation;

    /// <summary>The model width; like layer.self_attn.embed_dim.</summary>
    public int DModel { get; }

    /// <summary>The feed-forward width.</summary>
    public int DimFeedforward { get; }

    /// <summary>The dropout probability of every dropout in the block.</summary>
    public double DropoutP { get; }

    /// <summary>The LayerNorms' eps.</summary>
    public double LayerNormEps { get; }

    /// <summary>Whether inputs are [B, S, E]; like layer.self_attn.batch_first.</summary>
    public bool BatchFirst { get; }

    /// <summary>Whether the norms come before the blocks (pre-norm); like layer.norm_first.</summary>
    public bool NormFirst { get; }

    /// <summary>The self-attention; like layer.self_attn.</summary>
    public MultiheadAttention SelfAttn { get; }

    /// <summary>The feed-forward network's first layer; like layer.linear1.</summary>
    public Linear Linear1 { get; }

    /// <summary>The dropout after the activation; like layer.dropout.</summary>
    public Dropout Dropout { get; }

    /// <summary>The feed-forward network's second layer; like layer.linear2.</summary>
    public Linear Linear2 { get; }

    /// <summary>The norm of the attention block; like layer.norm1.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The norm of the feed-forward block; like layer.norm2.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>The dropout on the attention block's output; like layer.dropout1.</summary>
    public Dropout Dropout1 { get; }

    /// <summary>The dropout on the feed-forward block's output; like layer.dropout2.</summary>
    public Dropout Dropout2 { get; }

    /// <summary>A block drawing its weights from generator (the default one when null).</summary>
    public TransformerEncoderLayer(int dModel, int nhead, int dimFeedforward = 2048, double dropout = 0.1, Func<Tensor, Tensor>? activation = null,
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, DType dtype = DType.Float32, Generator? generator = null)
    {
        _activation = activation ?? F.Relu;
        DModel = dModel;
        DimFeedforward = dimFeedforward;
        DropoutP = dropout;
        LayerNormEps = layerNormEps;
        BatchFirst = batchFirst;
        NormFirst = normFirst;
        SelfAttn = RegisterModule("self_attn", new MultiheadAttention(dModel, nhead, dropout, bias: true, batchFirst, dtype, generator));
        Linear1 = RegisterModule("linear1", new Linear(dModel, dimFeedforward, true, dtype, generator));
        Dropout = RegisterModule("dropout", new Dropout(dropout));
        Linear2 = RegisterModule("linear2", new Linear(dimFeedforward, dModel, true, dtype, generator));
        Norm1 = RegisterModule("norm1", new LayerNorm(dModel, layerNormEps, true, dtype));
        Norm2 = RegisterModule("norm2", new LayerNorm(dModel, layerNormEps, true, dtype));
        Dropout1 = RegisterModule("dropout1", new Dropout(dropout));
        Dropout2 = RegisterModule("dropout2", new Dropout(dropout));
    }

    /// <summary>
    /// The block on src [S, B, E] ([B, S, E] with batchFirst, or unbatched [S, E]); srcMask [S, S] or [B·heads, S, S]
    /// (Bool true: may not attend, or additive floats), srcKeyPaddingMask [B, S] (Bool true: ignore that position);
    /// isCausal with no srcMask applies the causal mask. Like layer(src, src_mask, src_key_padding_mask).
    /// </summary>
    public Tensor Forward(Tensor src, Tensor? srcMask = null, Tensor? srcKeyPaddingMask = null, bool isCausal = false) =>
        ForwardCore(src, srcMask, srcKeyPaddingMask, isCausal);

    /// <summary>Calls the layer with its hooks, which see src as the one input (the masks as torch's keyword arguments); like layer(src, ...).</summary>
    public Tensor Call(Tensor src, Tensor? srcMask = null, Tensor? srcKeyPaddingMask = null, bool isCausal = false) =>
        HasHooks ? (Tensor)CallWithHooks([src], xs => ForwardCore((Tensor)xs[0]!, srcMask, srcKeyPaddingMask, isCausal))!
                 : ForwardCore(src, srcMask, srcKeyPaddingMask, isCausal);

    // Children are called through Call, so hooks registered on them (norm1, self_attn, linear1, ...) fire, as in torch.
    private Tensor ForwardCore(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask, bool isCausal)
    {
        ArgumentNullException.ThrowIfNull(src);
        if (isCausal && srcMask is null) srcMask = TransformerEncoder.GenerateSquareSubsequentMask(src.ShapeArray[src.Dim == 3 && BatchFirst ? 1 : 0], src.DType);
        var x = src;
        if (NormFirst)
        {
            x = x.Add(SelfAttentionBlock(Norm1.Call(x), srcMask, srcKeyPaddingMask));
            return x.Add(FeedForwardBlock(Norm2.Call(x)));
        }
        x = Norm1.Call(x.Add(SelfAttentionBlock(x, srcMask, srcKeyPaddingMask)));
        return Norm2.Call(x.Add(FeedForwardBlock(x)));
    }

    private Tensor SelfAttentionBlock(Tensor x, Tensor? mask, Tensor? keyPaddingMask) =>
        Dropout1.Call(SelfAttn.Call(x, x, x, keyPaddingMask, needWeights: false, attnMask: mask).Output);

    private Tensor FeedForwardBlock(Tensor x) => Dropout2.Call(Linear2.Call(Dropout.Call(_activation(Linear1.Call(x)))));

    /// <summary>A copy with the same settings and the same weights (drawing nothing from the default generator), as torch's deepcopy.</summary>
    public TransformerEncoderLayer Clone()
    {
        var copy = new TransformerEncoderLayer(DModel, SelfAttn.NumHeads, DimFeedforward, DropoutP, _activation, LayerNormEps, BatchFirst, NormFirst,
            SelfAttn.InProjWeight.DType, new Generator());
        copy.LoadStateDict(StateDict());
        copy.Train(Training);
        return copy;
    }

    /// <summary>A short description of the block's sizes.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"TransformerEncoderLayer(d_model={DModel}, nhead={SelfAttn.NumHeads}, dim_feedforward={DimFeedforward}, dropout={DropoutP}, norm_first={(NormFirst ? "True" : "False")})");
}
