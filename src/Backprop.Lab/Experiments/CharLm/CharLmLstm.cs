using Backprop.NN;

namespace Backprop.Lab.Experiments.CharLm;

/// <summary>charlm_torch.py's recurrent model, in its creation order: emb = Embedding(V, 64), lstm = LSTM(64, 256, batch_first), head = Linear(256, V).</summary>
internal sealed class CharLmLstm : Module<Tensor, Tensor>
{
    public Embedding Emb { get; }
    public LSTM Lstm { get; }
    public Linear Head { get; }

    public CharLmLstm(int vocab, Generator generator)
    {
        Emb = RegisterModule("emb", new Embedding(vocab, 64, generator: generator));
        Lstm = RegisterModule("lstm", new LSTM(64, 256, batchFirst: true, generator: generator));
        Head = RegisterModule("head", new Linear(256, vocab, generator: generator));
    }

    /// <summary>Logits [B, T, vocab] for ids [B, T].</summary>
    public override Tensor Forward(Tensor idx) => Head.Forward(Lstm.Forward(Emb.Forward(idx)).Output);
}
