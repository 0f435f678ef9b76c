using Backprop.NN;

namespace Backprop.Seeds.CharLm;

/// <summary>
/// charlm_torch.py's pre-norm decoder, module for module and in its creation order (so the same seed draws the same
/// weights): tok, pos, per layer a <see cref="CharLmBlock"/>, ln_f, head (no bias). Shared by the lab's char-lm and
/// the benchmark's charlm_gpt; children are called through Call, so hooks on them fire.
/// </summary>
public sealed class CharLmGpt : Module<Tensor, Tensor>
{
    /// <summary>The token embedding; tok.</summary>
    public Embedding Tok { get; }
    /// <summary>The position embedding; pos.</summary>
    public Embedding Pos { get; }
    /// <summary>The blocks; blocks.</summary>
    public ModuleList Blocks { get; }
    /// <summary>The final norm; ln_f.</summary>
    public LayerNorm LnF { get; }
    /// <summary>The output projection to the vocabulary; head.</summary>
    public Linear Head { get; }

    /// <summary>The model with charlm_torch.py's options, its weights drawn from generator in torch's order.</summary>
    public CharLmGpt(int vocab, int block, int embd, int heads, int layers, Generator generator)
    {
        if (embd % heads != 0) throw new ArgumentException($"CharLmGpt: the width ({embd}) must be divisible by the heads ({heads})");
        Tok = RegisterModule("tok", new Embedding(vocab, embd, generator: generator));
        Pos = RegisterModule("pos", new Embedding(block, embd, generator: generator));
        Blocks = RegisterModule("blocks", new ModuleList(Enumerable.Range(0, layers).Select(_ => (Module)new CharLmBlock(embd, heads, generator))));
        LnF = RegisterModule("ln_f", new LayerNorm(embd));
        Head = RegisterModule("head", new Linear(embd, vocab, bias: false, generator: generator));
    }

    /// <summary>Logits [B, T, vocab] for ids [B, T].</summary>
    public override Tensor Forward(Tensor idx)
    {
        int t = idx.Shape[1];
        var x = Tok.Call(idx).Add(Pos.Call(Tensor.Arange(t)));
        foreach (var block in Blocks) x = ((CharLmBlock)block).Call(x);
        return Head.Call(LnF.Call(x));
    }
}

/// <summary>
/// One pre-norm block: x + proj(causal self-attention(ln1(x))), then x + fc2(gelu(fc(ln2(x)))); the attention as
/// charlm_torch.py writes it (qkv split, heads, q·kᵀ/√(C/H), −∞ above the diagonal, softmax, · v, heads joined).
/// </summary>
public sealed class CharLmBlock : Module<Tensor, Tensor>
{
    private readonly int _heads;

    /// <summary>The norm before attention; ln1.</summary>
    public LayerNorm Ln1 { get; }

    /// <summary>The packed query, key and value projection; qkv.</summary>
    public Linear Qkv { get; }

    /// <summary>The attention's output projection; proj.</summary>
    public Linear Proj { get; }

    /// <summary>The norm before the MLP; ln2.</summary>
    public LayerNorm Ln2 { get; }

    /// <summary>The MLP's widening layer; fc.</summary>
    public Linear Fc { get; }

    /// <summary>The MLP's narrowing layer; fc2.</summary>
    public Linear Fc2 { get; }

    /// <summary>A block of width c with the given heads, weights drawn from generator in torch's order.</summary>
    public CharLmBlock(int c, int heads, Generator generator)
    {
        _heads = heads;
        Ln1 = RegisterModule("ln1", new LayerNorm(c));
        Qkv = RegisterModule("qkv", new Linear(c, 3 * c, generator: generator));
        Proj = RegisterModule("proj", new Linear(c, c, generator: generator));
        Ln2 = RegisterModule("ln2", new LayerNorm(c));
        Fc = RegisterModule("fc", new Linear(c, 4 * c, generator: generator));
        Fc2 = RegisterModule("fc2", new Linear(4 * c, c, generator: generator));
    }

    private Tensor Attention(Tensor x)
    {
        int b = x.Shape[0], t = x.Shape[1], c = x.Shape[2], hs = c / _heads;
        var qkv = Qkv.Call(x).Split(c, 2);
        var q = qkv[0].View(b, t, _heads, hs).Transpose(1, 2);
        var k = qkv[1].View(b, t, _heads, hs).Transpose(1, 2);
        var v = qkv[2].View(b, t, _heads, hs).Transpose(1, 2);
        var att = q.MatMul(k.Transpose(-2, -1)).Mul(1.0 / Math.Sqrt(hs));
        var future = Tensor.Ones([t, t], DType.Bool).Tril().LogicalNot();
        att = att.MaskedFill(future, double.NegativeInfinity).Softmax(-1);
        var y = att.MatMul(v).Transpose(1, 2).Contiguous().View(b, t, c);
        return Proj.Call(y);
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor x)
    {
        x = x.Add(Attention(Ln1.Call(x)));
        return x.Add(Fc2.Call(F.Gelu(Fc.Call(Ln2.Call(x)))));
    }
}
