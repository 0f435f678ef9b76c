using System.Globalization;

namespace Backprop.NN;

/// <summary>
/// Multi-head scaled dot-product attention: q, k, v projected by one packed in_proj_weight [3E, E] (and in_proj_bias),
/// split into numHeads heads of E/numHeads, softmax(q·kᵀ/√(E/heads) + mask)·v per head, heads joined and projected by
/// out_proj. PyTorch's parameter names and initialisation (out_proj drawn as a Linear, then in_proj_weight by
/// Xavier-uniform, both biases zero), so state dicts load both ways and the same seed gives torch's weights.
/// Inputs are [L, B, E] ([B, L, E] with batchFirst, or unbatched [L, E]). Masks: attnMask [L, S] or [B·heads, L, S]
/// (Bool: true means "may not attend", or floats added to the scores); keyPaddingMask [B, S] (Bool: true ignores
/// that key). Like torch.nn.MultiheadAttention(embed_dim, num_heads, dropout, bias, batch_first=batch_first,
/// dtype=dtype); add_bias_kv, add_zero_attn, kdim and vdim are not supported.
/// </summary>
public sealed class MultiheadAttention : Module
{
    /// <summary>The model width E; like mha.embed_dim.</summary>
    public int EmbedDim { get; }

    /// <summary>The number of heads; like mha.num_heads.</summary>
    public int NumHeads { get; }

    /// <summary>The width of one head, E / heads; like mha.head_dim.</summary>
    public int HeadDim { get; }

    /// <summary>The dropout probability on the attention weights, in training; like mha.dropout.</summary>
    public double Dropout { get; }

    /// <summary>Whether inputs are [B, L, E]; like mha.batch_first.</summary>
    public bool BatchFirst { get; }

    /// <summary>The packed q, k, v projection [3E, E]; like mha.in_proj_weight.</summary>
    public Parameter InProjWeight { get; }

    /// <summary>The packed q, k, v bias [3E], or null without bias; like mha.in_proj_bias.</summary>
    public Parameter? InProjBias { get; }

    /// <summary>The output projection; like mha.out_proj.</summary>
    public Linear OutProj { get; }

    /// <summary>An attention layer drawing its weights from generator (the default one when null).</summary>
    public MultiheadAttention(int embedDim, int numHeads, double dropout = 0, bool bias = true, bool batchFirst = false,
        DType dtype = DType.Float32, Generator? generator = null)
    {
        if (embedDim <= 0 || numHeads <= 0)
            throw new ArgumentException($"MultiheadAttention: embed_dim and num_heads must be positive, got {embedDim} and {numHeads}");
        if (embedDim % numHeads != 0) throw new ArgumentException($"MultiheadAttention: embed_dim must be divisible by num_heads (got {embedDim} and {numHeads})");
        if (dropout is < 0 or > 1 || double.IsNaN(dropout))
            throw new ArgumentException($"MultiheadAttention: dropout probability has to be between 0 and 1, but got {dropout.ToString(CultureInfo.InvariantCulture)}");
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"MultiheadAttention: expected a floating-point dtype, got {dtype.TorchName()}");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        HeadDim = embedDim / numHeads;
        Dropout = dropout;
        BatchFirst = batchFirst;
        InProjWeight = RegisterParameter("in_proj_weight", new Parameter(Tensor.Zeros([3 * embedDim, embedDim], dtype)))!;
        InProjBias = RegisterParameter("in_proj_bias", bias ? new Parameter(Tensor.Zeros([3 * embedDim], dtype)) : null);
        OutProj = RegisterModule("out_proj", new Linear(embedDim, embedDim, bias, dtype, generator));   // draws first, as torch's constructor
        ResetParameters(generator);
    }

    /// <summary>Xavier-uniform in_proj_weight, zero biases (out_proj.weight keeps its Linear draw); like mha._reset_parameters().</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.XavierUniform_(InProjWeight, generator: generator);
        if (InProjBias is not null) Init.Zeros_(InProjBias);
        if (OutProj.Bias is not null) Init.Zeros_(OutProj.Bias);
    }

    /// <summary>
    /// Attends from query [L, B, E] to key and value [S, B, E] (batch first or unbatched as configured). Returns the
    /// output, shaped as query, and, with needWeights, the attention weights [B, L, S] (averaged over heads) or
    /// [B, heads, L, S] (averageAttnWeights false); like mha(query, key, value, key_padding_mask, need_weights,
    /// attn_mask, average_attn_weights).
    /// </summary>
    public (Tensor Output, Tensor? Weights) Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true)
    {
        return ForwardCore(query, key, value, keyPaddingMask, needWeights, attnMask, averageAttnWeights);
    }

    /// <summary>
    /// Calls the module with its hooks, which see (query, key, value) as the inputs (the options as torch's keyword
    /// arguments, which its hooks do not see) and the (output, weights) pair as the output; like mha(query, key, value, ...).
    /// </summary>
    public (Tensor Output, Tensor? Weights) Call(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null,
        bool needWeights = true, Tensor? attnMask = null, bool averageAttnWeights = true) =>
        HasHooks
            ? ((Tensor, Tensor?))CallWithHooks([query, key, value],
                xs => ForwardCore((Tensor)xs[0]!, (Tensor)xs[1]!, (Tensor)xs[2]!, keyPaddingMask, needWeights, attnMask, averageAttnWeights))!
            : ForwardCore(query, key, value, keyPaddingMask, needWeights, attnMask, averageAttnWeights);

    private (Tensor Output, Tensor? Weights) ForwardCore(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask,
        bool needWeights, Tensor? attnMask, bool averageAttnWeights)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        if (query.Dim is not (2 or 3) || key.Dim != query.Dim || value.Dim != query.Dim)
            throw new ArgumentException($"MultiheadAttention: query, key and value must all be 2D (unbatched) or 3D (batched), got {Shapes.Format(query.ShapeArray)}, {Shapes.Format(key.ShapeArray)} and {Shapes.Format(value.ShapeArray)}");
        bool batched = query.Dim == 3;
        Tensor q = query, k = key, v = value;
        if (!batched) (q, k, v) = (q.Unsqueeze(1), k.Unsqueeze(1), v.Unsqueeze(1));
        else if (BatchFirst) (q, k, v) = (q.Transpose(0, 1), k.Transpose(0, 1), v.Transpose(0, 1));
        if (keyPaddingMask is not null && !batched) keyPaddingMask = keyPaddingMask.Unsqueeze(0);

        int tgt = q.ShapeArray[0], batch = q.ShapeArray[1], src = k.ShapeArray[0], heads = NumHeads, e = EmbedDim;
        if (q.ShapeArray[2] != e || k.ShapeArray[2] != e || v.ShapeArray[2] != e)
            throw new ArgumentException($"MultiheadAttention: was expecting embedding dimension of {e}, but got query {Shapes.Format(query.ShapeArray)}, key {Shapes.Format(key.ShapeArray)}, value {Shapes.Format(value.ShapeArray)}");
        if (k.ShapeArray[1] != batch || v.ShapeArray[1] != batch || v.ShapeArray[0] != src)
            throw new ArgumentException($"MultiheadAttention: key {Shapes.Format(key.ShapeArray)} and value {Shapes.Format(value.ShapeArray)} must have the same batch and length, and the batch of query {Shapes.Format(query.ShapeArray)}");

        // The packed projection: one product when query, key and value are the same tensor (self-attention).
        var w = InProjWeight.Split(e, 0);
        var b = InProjBias?.Split(e, 0);
        if (ReferenceEquals(query, key) && ReferenceEquals(key, value))
        {
            var qkv = F.Linear(q, InProjWeight, InProjBias).Split(e, -1);
            (q, k, v) = (qkv[0], qkv[1], qkv[2]);
        }
        else (q, k, v) = (F.Linear(q, w[0], b?[0]), F.Linear(k, w[1], b?[1]), F.Linear(v, w[2], b?[2]));

        // [L, B, E] → [B·heads, L, head_dim], as torch's view/transpose.
        q = q.Contiguous().View(tgt, batch * heads, HeadDim).Transpose(0, 1);
        k = k.Contiguous().View(src, batch * heads, HeadDim).Transpose(0, 1);
        v = v.Contiguous().View(src, batch * heads, HeadDim).Transpose(0, 1);

        var mask = AdditiveMask(attnMask, keyPaddingMask, batch, tgt, src, q.DType);
        var scores = q.Div(Math.Sqrt(HeadDim)).MatMul(k.Transpose(1, 2));
        if (mask is not null) scores = scores.Add(mask);
        var weights = scores.Softmax(-1);
        var attended = Dropout > 0 && Training ? F.Dropout(weights, Dropout, training: true) : weights;
        var output = attended.MatMul(v).Transpose(0, 1).Contiguous().View(tgt, batch, e);
        output = F.Linear(output, OutProj.Weight, OutProj.Bias);   // out_proj's weights, not its Call: torch's hooks on out_proj do not fire either

        if (!batched) output = output.Squeeze(1);
        else if (BatchFirst) output = output.Transpose(0, 1);
        if (!needWeights) return (output, null);
        var perHead = weights.View(batch, heads, tgt, src);
        Tensor result = averageAttnWeights ? perHead.Sum(1).Div(heads) : perHead;
        if (!batched) result = result.Squeeze(0);
        return (output, result);
    }

    /// <summary>The masks as one additive float mask [1 or B·heads, L, S] (−∞ where attention is not allowed), or null.</summary>
    private Tensor? AdditiveMask(Tensor? attnMask, Tensor? keyPaddingMask, int batch, int tgt, int src, DType dtype)
    {
        Tensor? mask = null;
        if (attnMask is not null)
        {
            if (attnMask.Dim == 2)
            {
                if (attnMask.ShapeArray[0] != tgt || attnMask.ShapeArray[1] != src)
                    throw new ArgumentException($"MultiheadAttention: The shape of the 2D attn_mask is {Shapes.Format(attnMask.ShapeArray)}, but should be ({tgt}, {src}).");
                mask = attnMask.Unsqueeze(0);
            }
            else if (attnMask.Dim == 3)
            {
                if (attnMask.ShapeArray[0] != batch * NumHeads || attnMask.ShapeArray[1] != tgt || attnMask.ShapeArray[2] != src)
                    throw new ArgumentException($"MultiheadAttention: The shape of the 3D attn_mask is {Shapes.Format(attnMask.ShapeArray)}, but should be ({batch * NumHeads}, {tgt}, {src}).");
                mask = attnMask;
            }
            else throw new ArgumentException($"MultiheadAttention: attn_mask's dimension {attnMask.Dim} is not supported");
            mask = ToAdditive(mask, dtype, "attn_mask");
        }
        if (keyPaddingMask is not null)
        {
            if (keyPaddingMask.Dim != 2 || keyPaddingMask.ShapeArray[0] != batch || keyPaddingMask.ShapeArray[1] != src)
                throw new ArgumentException($"MultiheadAttention: expecting key_padding_mask shape of ({batch}, {src}), but got {Shapes.Format(keyPaddingMask.ShapeArray)}");
            var padding = ToAdditive(keyPaddingMask, dtype, "key_padding_mask")
                .View(batch, 1, 1, src).Expand(batch, NumHeads, 1, src).Reshape(batch * NumHeads, 1, src);
            mask = mask is null ? padding : mask.Add(padding);
        }
        return mask;
    }

    private static Tensor ToAdditive(Tensor mask, DType dtype, string name)
    {
        if (mask.DType == DType.Bool) return Tensor.Zeros(mask.ShapeArray, dtype).MaskedFill(mask, double.NegativeInfinity);
        if (!mask.DType.IsFloatingPoint())
            throw new ArgumentException($"MultiheadAttention: only bool and floating types of {name} are supported, got {mask.DType.TorchName()}");
        return mask.To(dtype);
    }

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() => $"MultiheadAttention(\n  (out_proj): NonDynamicallyQuantizableLinear(in_features={EmbedDim}, out_features={EmbedDim}, bias={(InProjBias is null ? "False" : "True")})\n)";
}
