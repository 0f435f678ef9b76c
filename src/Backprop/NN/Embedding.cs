namespace Backprop.NN;

/// <summary>
/// A lookup table of numEmbeddings vectors of size embeddingDim, indexed by Int64 tensors; the weight starts as
/// N(0, 1) samples (torch's, after the same ManualSeed), with the row at paddingIdx zeroed; that row never receives
/// a gradient. Like torch.nn.Embedding(num_embeddings, embedding_dim, padding_idx).
/// </summary>
public sealed class Embedding : Module<Tensor, Tensor>
{
    /// <summary>The number of rows; like embedding.num_embeddings.</summary>
    public int NumEmbeddings { get; }

    /// <summary>The size of each row; like embedding.embedding_dim.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The padding row (normalised to be non-negative), or null; like embedding.padding_idx.</summary>
    public int? PaddingIdx { get; }

    /// <summary>The [numEmbeddings, embeddingDim] table; like embedding.weight.</summary>
    public Parameter Weight { get; }

    /// <summary>A table drawn from generator (the default one when null); a negative paddingIdx counts from the end.</summary>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, DType dtype = DType.Float32, Generator? generator = null)
    {
        if (numEmbeddings < 0 || embeddingDim < 0)
            throw new ArgumentException($"Embedding: num_embeddings and embedding_dim must be non-negative, got {numEmbeddings} and {embeddingDim}");
        if (!dtype.IsFloatingPoint()) throw new ArgumentException($"Embedding: expected a floating-point dtype, got {dtype.TorchName()}");
        if (paddingIdx is { } pad)
        {
            if (pad >= numEmbeddings || pad < -numEmbeddings)
                throw new ArgumentException($"Embedding: Padding_idx must be within num_embeddings (got {pad} for {numEmbeddings})");
            PaddingIdx = pad < 0 ? pad + numEmbeddings : pad;
        }
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        Weight = RegisterParameter("weight", new Parameter(Tensor.Zeros([numEmbeddings, embeddingDim], dtype)))!;
        ResetParameters(generator);
    }

    /// <summary>Redraws the table from N(0, 1) and zeroes the padding row; like embedding.reset_parameters().</summary>
    public void ResetParameters(Generator? generator = null)
    {
        Init.Normal_(Weight, generator: generator);
        if (PaddingIdx is { } pad)
            using (Autograd.NoGrad()) Weight.Select(0, pad).Fill_(0);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => F.Embedding(input, Weight, PaddingIdx);

    /// <summary>As PyTorch prints it.</summary>
    public override string ToString() =>
        $"Embedding({NumEmbeddings}, {EmbeddingDim}{(PaddingIdx is { } p ? $", padding_idx={p}" : "")})";
}
