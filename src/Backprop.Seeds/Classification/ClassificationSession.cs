using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Seeds.Classification;

/// <summary>
/// A classifier of one configuration, trained a step at a time: features → Linear → activation → … → Linear(·, 1), a
/// logit; BCEWithLogitsLoss (mean) plus the weights' penalty; SGD. One step is one pass over the training points in
/// their randperm order, in batches of BatchSize (one optimizer step per batch). Float32, as a PyTorch user trains.
/// The code panel's programs (<see cref="ClassificationPrograms"/>) do the same, call for call.
/// </summary>
public sealed class ClassificationSession
{
    private readonly Tensor _xTrain, _yTrain, _xTest, _yTest;
    private readonly SGD _optimizer;
    private readonly List<double> _trainLosses = [], _testLosses = [];

    public ClassificationSession(ClassificationSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        Settings = settings;
        var generator = new Generator((ulong)settings.Seed);
        Data = ClassificationData.Generate(settings, generator);
        int f = settings.Features.Count;
        _xTrain = Tensor.From(ClassificationData.FeatureRows(settings.Features, Data.X1, Data.X2, Data.Train), Data.Train.Length, f);
        _xTest = Tensor.From(ClassificationData.FeatureRows(settings.Features, Data.X1, Data.X2, Data.Test), Data.Test.Length, f);
        _yTrain = Tensor.From(Data.Train.Select(i => Data.Labels[i]).ToArray());
        _yTest = Tensor.From(Data.Test.Select(i => Data.Labels[i]).ToArray());
        var layers = new List<Linear>();
        int width = f;
        foreach (int h in settings.Hidden.Append(1))
        {
            layers.Add(new Linear(width, h, generator: generator));
            width = h;
        }
        Layers = layers;
        _optimizer = new SGD(layers.SelectMany(l => l.Parameters()), lr: settings.LearningRate);
        RecordMetrics();
    }

    public ClassificationSettings Settings { get; }
    public ClassificationData Data { get; }
    /// <summary>The hidden layers and the output layer, input side first.</summary>
    public IReadOnlyList<Linear> Layers { get; }
    /// <summary>Passes over the training points so far.</summary>
    public int Steps { get; private set; }
    /// <summary>The data loss (BCE, without the penalty) on all training points: at the start and after each step.</summary>
    public IReadOnlyList<double> TrainLosses => _trainLosses;
    public IReadOnlyList<double> TestLosses => _testLosses;
    public double TrainAccuracy { get; private set; }
    public double TestAccuracy { get; private set; }

    /// <summary>The logits [n] of feature rows [n, features].</summary>
    public Tensor Forward(Tensor x)
    {
        var h = x;
        for (int l = 0; l < Layers.Count - 1; l++) h = Activate(Layers[l].Call(h));
        return Layers[^1].Call(h).Squeeze(1);
    }

    private Tensor Activate(Tensor z) => Settings.Activation switch
    {
        HiddenActivation.Tanh => z.Tanh(),
        HiddenActivation.Relu => z.Relu(),
        HiddenActivation.Sigmoid => z.Sigmoid(),
        _ => z,
    };

    /// <summary>BCEWithLogits on these points plus the weights' penalty: what one SGD update minimises.</summary>
    public Tensor Objective(Tensor x, Tensor y)
    {
        var loss = F.BinaryCrossEntropyWithLogits(Forward(x), y);
        if (Settings.Regularization == Regularization.None) return loss;
        Tensor? penalty = null;
        foreach (var layer in Layers)
        {
            var term = Settings.Regularization == Regularization.L1 ? layer.Weight.Abs().Sum() : layer.Weight.Square().Sum();
            penalty = penalty is null ? term : penalty + term;
        }
        return loss + penalty! * Settings.RegularizationRate;
    }

    /// <summary>One pass over the training points; false (and nothing recorded) when the loss stops being finite.</summary>
    public bool Step()
    {
        int n = Data.Train.Length, batch = Settings.BatchSize;
        for (int start = 0; start < n; start += batch)
        {
            int length = Math.Min(batch, n - start);
            var loss = Objective(_xTrain.Narrow(0, start, length), _yTrain.Narrow(0, start, length));
            _optimizer.ZeroGrad();
            loss.Backward();
            _optimizer.Step();
        }
        Steps++;
        RecordMetrics();
        return double.IsFinite(_trainLosses[^1]);
    }

    private void RecordMetrics()
    {
        using var _ = Autograd.NoGrad();
        var trainLogits = Forward(_xTrain);
        var testLogits = Forward(_xTest);
        _trainLosses.Add(F.BinaryCrossEntropyWithLogits(trainLogits, _yTrain).Item());
        _testLosses.Add(F.BinaryCrossEntropyWithLogits(testLogits, _yTest).Item());
        TrainAccuracy = Accuracy(trainLogits, _yTrain);
        TestAccuracy = Accuracy(testLogits, _yTest);
    }

    /// <summary>The share of points whose logit is on their label's side of 0 (as (logits &gt; 0).float() == y).</summary>
    private static double Accuracy(Tensor logits, Tensor labels)
    {
        float[] z = logits.ToArray<float>(), y = labels.ToArray<float>();
        int right = 0;
        for (int i = 0; i < z.Length; i++) if ((z[i] > 0 ? 1f : 0f) == y[i]) right++;
        return (double)right / z.Length;
    }

    /// <summary>The training points' features [n, f] and labels [n], for the derivation of a gradient.</summary>
    public (Tensor X, Tensor Y) TrainingSet => (_xTrain, _yTrain);

    /// <summary>
    /// Every unit's output on a grid of points over [−extent, extent]² (row 0 at the top, x1 to the right): the
    /// features, each hidden layer's activations and the output probability σ(logit); one array per column of the
    /// network, [cell, unit] row-major.
    /// </summary>
    public float[][] UnitMaps(int size, double extent)
    {
        var gx1 = new double[size * size];
        var gx2 = new double[size * size];
        for (int r = 0; r < size; r++)
            for (int c = 0; c < size; c++)
            {
                gx1[r * size + c] = -extent + (c + 0.5) * 2 * extent / size;
                gx2[r * size + c] = extent - (r + 0.5) * 2 * extent / size;
            }
        int f = Settings.Features.Count;
        float[] features = ClassificationData.FeatureRows(Settings.Features, gx1, gx2);
        var x = Tensor.From(features, size * size, f);
        using var _ = Autograd.NoGrad();
        var maps = new List<float[]> { features };
        var h = x;
        for (int l = 0; l < Layers.Count - 1; l++)
        {
            h = Activate(Layers[l].Call(h));
            maps.Add(h.ToArray<float>());
        }
        maps.Add(Layers[^1].Call(h).Sigmoid().ToArray<float>());
        return [.. maps];
    }
}
