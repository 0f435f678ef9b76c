using Backprop.NN;

namespace Backprop.Seeds.CharLm;

/// <summary>charlm_torch.py's recurrent model, in its creation order: emb = Embedding(V, 64), lstm = LSTM(64, 256, batch_first), head = Linear(256, V).</summary>
public sealed class CharLmLstm : Module<Tensor, Tensor>
{
    /// <summary>The character embedding (64 wide); emb.</summary>
    public Embedding Emb { get; }

    /// <summary>The recurrent layer (256 hidden); lstm.</summary>
    public LSTM Lstm { get; }

    /// <summary>The output projection to the vocabulary; head.</summary>
    public Linear Head { get; }

    /// <summary>The model for a vocabulary, weights drawn from generator in torch's order.</summary>
    public CharLmLstm(int vocab, Generator generator)
    {
        Emb = RegisterModule("emb", new Embedding(vocab, 64, generator: generator));
        Lstm = RegisterModule("lstm", new LSTM(64, 256, batchFirst: true, generator: generator));
        Head = RegisterModule("head", new Linear(256, vocab, generator: generator));
    }

    /// <summary>Logits [B, T, vocab] for ids [B, T].</summary>
    public override Tensor Forward(Tensor idx) => Head.Call(Lstm.Call(Emb.Call(idx)).Output);
}
