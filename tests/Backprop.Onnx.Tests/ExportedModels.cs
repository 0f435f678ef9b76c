using Backprop.NN;
using Backprop.Seeds.CharLm;
using Backprop.Seeds.TwoLayer;

namespace Backprop.Onnx.Tests;

/// <summary>The models the export is tested on, each with an example input of batch size 3 and a maker of inputs of any batch.</summary>
internal static class ExportedModels
{
    public static readonly string[] Names = ["mlp", "cnn", "two-layer-sigmoid", "two-layer-relu", "two-layer-tanh", "two-layer-sigmoid-by-hand",
        "three-by-three", "regression", "gpt", "lstm", "gru", "transformer", "op-zoo", "cnn-zoo"];

    /// <summary>The model called name, its weights drawn after ManualSeed(seed); and a function giving an input of a batch size.</summary>
    public static (Module<Tensor, Tensor> Model, Func<int, Tensor> Input) Build(string name, ulong seed = 0)
    {
        Tensor.ManualSeed(seed);
        switch (name)
        {
            // fmnist_torch.py's models, as the lab builds them (src/Backprop.Lab/Experiments/FashionMnist/FashionMnistModels.cs).
            case "mlp": return (FashionMnistMlp(), n => Tensor.Rand([n, 1, 28, 28]));
            case "cnn": return (FashionMnistCnn(), n => Tensor.Rand([n, 1, 28, 28]));
            // The seeds: the 2-2-2 network with each activation (seed 000/003), the 3×3 sigmoid layer, the regression line.
            case "two-layer-sigmoid": return (new TwoLayerSeed(Activation.Sigmoid), n => Tensor.Randn([n, 2]));
            case "two-layer-relu": return (new TwoLayerSeed(Activation.Relu), n => Tensor.Randn([n, 2]));
            case "two-layer-tanh": return (new TwoLayerSeed(Activation.Tanh), n => Tensor.Randn([n, 2]));
            case "two-layer-sigmoid-by-hand": return (new TwoLayerSeed(Activation.SigmoidByHand), n => Tensor.Randn([n, 2]));
            case "three-by-three": return (new Sequential(new Linear(3, 3, bias: false), new Sigmoid()), n => Tensor.Randn([n, 3]));
            case "regression": return (new Linear(1, 1), n => Tensor.Randn([n, 1]));
            // The char-lm decoder the lab and the benchmark train (src/Backprop.Seeds/CharLm), at a small size.
            case "gpt": return (new CharLmGpt(vocab: 11, block: 8, embd: 16, heads: 2, layers: 2, Generator.Default), n => Tensor.RandInt(0, 11, [n, 8]));
            case "lstm": return (new Recurrent(new LSTM(5, 7, numLayers: 2, batchFirst: true)), n => Tensor.RandInt(0, 11, [n, 6]));
            case "gru": return (new Recurrent(new GRU(5, 7, batchFirst: true)), n => Tensor.RandInt(0, 11, [n, 6]));
            case "transformer": return (new Encoder(), n => Tensor.Randn([n, 5, 8]));
            case "op-zoo": return (new OpZoo(), n => Tensor.Randn([n, 4, 6]));
            case "cnn-zoo": return (CnnZoo(), n => Tensor.Randn([n, 3, 13, 13]));
            default: throw new ArgumentException(name);
        }
    }

    public static Sequential FashionMnistMlp() =>
        new(new Flatten(), new Linear(784, 256), new ReLU(), new Linear(256, 10));

    public static Sequential FashionMnistCnn() => new(
        new Conv2d(1, 16, 5, padding: 2), new ReLU(), new MaxPool2d(2),
        new Conv2d(16, 32, 5, padding: 2), new ReLU(), new MaxPool2d(2),
        new Flatten(), new Linear(32 * 7 * 7, 10));

    /// <summary>BatchNorm (eval, with running statistics that are not 0 and 1), average pools, dropout, strides, groups.</summary>
    private static Sequential CnnZoo()
    {
        var bn = new BatchNorm2d(8);
        using (Autograd.NoGrad())
        {
            bn.RunningMean!.Copy_(Tensor.Randn([8]));
            bn.RunningVar!.Copy_(Tensor.Rand([8]).Add(0.5));
            bn.Weight!.Copy_(Tensor.Randn([8]));
            bn.Bias!.Copy_(Tensor.Randn([8]));
        }
        return new Sequential(
            new Conv2d(3, 8, 3, stride: 1, padding: 1), bn, new LeakyReLU(0.1), new Conv2d(8, 8, 4, padding: ConvPadding.Same, dilation: 1),
            new MaxPool2d(3, stride: 1, padding: 1), new MaxPool2d(2, stride: 2, ceilMode: true), new AvgPool2d(2),
            new Conv2d(8, 8, 3, padding: 1, groups: 2), new Tanh(), new Dropout(0.5),
            new AvgPool2d(3, stride: 1, padding: 1, countIncludePad: false), new AdaptiveAvgPool2d(new Size2(3, 3)),
            new Conv2d(8, 4, 3, dilation: 1), new AdaptiveAvgPool2d(new Size2(1, 1)), new Flatten(), new GELU(), new LogSoftmax(1));
    }

    /// <summary>
    /// The 2-2-2 network of seeds 000 and 003 as a module: w1..w8 (the seeds' values) as parameters, x [B, 2] the
    /// inputs x1, x2 of B samples, wired as TwoLayerNetwork wires them, each activation the seed's own (TwoLayerNetwork.Act).
    /// </summary>
    private sealed class TwoLayerSeed : Module<Tensor, Tensor>
    {
        private readonly TwoLayerNetwork _seed;
        private readonly Parameter[] _w;

        public TwoLayerSeed(Activation activation)
        {
            _seed = new TwoLayerNetwork(TwoLayerNetwork.SeedInputs, TwoLayerNetwork.SeedTargets, TwoLayerNetwork.SeedWeights, activation, LossKind.HalfMse, DType.Float32);
            _w = TwoLayerNetwork.SeedWeights.Select((v, i) => RegisterParameter($"w{i + 1}", new Parameter(Tensor.Full([1], v)))!).ToArray();
        }

        public override Tensor Forward(Tensor x)
        {
            var (w1, w2, w3, w4, w5, w6, w7, w8) = (_w[0], _w[1], _w[2], _w[3], _w[4], _w[5], _w[6], _w[7]);
            var x1 = x.Narrow(1, 0, 1);
            var x2 = x.Narrow(1, 1, 1);
            var out_h1 = _seed.Act(w1 * x1 + w3 * x2);
            var out_h2 = _seed.Act(w2 * x1 + w4 * x2);
            var out_o1 = _seed.Act(w5 * out_h1 + w7 * out_h2);
            var out_o2 = _seed.Act(w6 * out_h1 + w8 * out_h2);
            return TwoLayerNetwork.Outputs(out_o1, out_o2).Reshape(2, -1).T;   // [B, 2]: Cat along dim 0, then each sample's row
        }
    }

    /// <summary>Functional ops a custom module calls: arithmetic with numbers, reductions, views, joins, masks, softmax.</summary>
    private sealed class OpZoo : Module<Tensor, Tensor>
    {
        public Linear Proj { get; }
        public LayerNorm Norm { get; }

        public OpZoo()
        {
            Proj = RegisterModule("proj", new Linear(6, 6));
            Norm = RegisterModule("norm", new LayerNorm(6));
        }

        public override Tensor Forward(Tensor x)   // x [B, 4, 6]
        {
            var h = Norm.Forward(Proj.Forward(x));                                   // MatMul + Add (3-D), LayerNormalization
            var a = h.Transpose(1, 2).Permute(0, 2, 1);                              // back to [B, 4, 6]
            var s = a.Softmax(-1).Add(a.LogSoftmax(1).Mul(0.25));
            var m = s.Sum(2, keepDim: true).Add(s.Mean([1, 2], keepDim: true)).Sub(1.5)   // [B, 4, 1]
                .Add(a.Bmm(a.Transpose(1, 2)).Sum(2, keepDim: true).Mul(0.01));
            var e = (2 - m).Exp().Add(1).Log().Sqrt().Div(3).Pow(2) + 1 / (1 + m.Abs());
            var masked = s.MaskedFill(s.Gt(0.2), -1.0);
            var w = Tensor.Where(x.Lt(0), x.Mul(x), x.Neg()).Add(x.Maximum(x.Neg()).Sin()).Add(x.Minimum(x.Mul(0.5)).Cos())
                .Add(x.Sign()).Add(x.Erf()).Add(x.Abs().Add(0.5).Pow(x.Mul(0.5))).Clamp(-0.5, 2).Add(x.Clamp(min: 0.1)).Sub(x.Clamp(max: -0.2)).Add(x.Gt(0.3).To(DType.Float32));
            var joined = Tensor.Cat([masked, e.Expand(-1, 4, 6), w.Narrow(2, 1, 3).Sigmoid().Tanh().Relu()], dim: 2);   // [B, 4, 15]
            var flat = joined.Unsqueeze(1).Squeeze(1).Reshape(joined.Shape[0], -1);   // [B, 60]
            return Tensor.Stack([flat.Select(1, 0), flat.Select(1, 59), flat.Sum(1)], dim: 1).Add(flat.Abs().Mm(Tensor.Ones([60, 1]).Div(60))).Add(flat.Slice(1, 2, 20, 6).Mean(1, keepDim: true)).Gelu();
        }
    }

    /// <summary>Two TransformerEncoderLayers (batch first, causal mask, GELU, a final LayerNorm): MultiheadAttention inside.</summary>
    private sealed class Encoder : Module<Tensor, Tensor>
    {
        private readonly TransformerEncoder _encoder;

        public Encoder()
        {
            var layer = new TransformerEncoderLayer(8, 2, dimFeedforward: 16, dropout: 0.1, activation: x => F.Gelu(x), batchFirst: true);
            _encoder = RegisterModule("encoder", new TransformerEncoder(layer, 2, new LayerNorm(8)));
        }

        public override Tensor Forward(Tensor x) => _encoder.Forward(x, TransformerEncoder.GenerateSquareSubsequentMask(x.Shape[1]), isCausal: true);
    }

    /// <summary>
    /// The lab's char-lm LSTM (src/Backprop.Lab/Experiments/CharLm/CharLmLstm.cs) at a small size: embedding, a
    /// recurrent layer over the sequence (its zero initial state made in the forward, sized by the batch), a head.
    /// </summary>
    private sealed class Recurrent : Module<Tensor, Tensor>
    {
        private readonly Embedding _emb;
        private readonly Module _rnn;
        private readonly Linear _head;

        public Recurrent(Module rnn)
        {
            _emb = RegisterModule("emb", new Embedding(11, 5));
            _rnn = RegisterModule("rnn", rnn);
            _head = RegisterModule("head", new Linear(7, 11));
        }

        public override Tensor Forward(Tensor idx)
        {
            var x = _emb.Forward(idx);
            var h = _rnn is LSTM lstm ? lstm.Forward(x).Output : ((GRU)_rnn).Forward(x).Output;
            return _head.Forward(h);
        }
    }
}
