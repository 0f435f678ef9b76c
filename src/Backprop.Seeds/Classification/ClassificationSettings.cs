namespace Backprop.Seeds.Classification;

/// <summary>The four point sets of the classification playground (TensorFlow Playground's).</summary>
public enum Dataset { Circle, Xor, Gauss, Spiral }

/// <summary>The input features a network may be given, computed from a point (x1, x2).</summary>
public enum Feature { X1, X2, X1Squared, X2Squared, X1X2, SinX1, SinX2 }

/// <summary>The hidden layers' nonlinearity.</summary>
public enum HiddenActivation { Tanh, Relu, Sigmoid, Linear }

/// <summary>The penalty on the weights (not the biases) added to the loss.</summary>
public enum Regularization { None, L1, L2 }

/// <summary>
/// One configuration of the classification playground: the data (set, size, noise, train share, seed), the network
/// (features, hidden layer widths, activation) and the training (regularisation, learning rate, batch size).
/// The page, its C# and PyTorch programs and the tests all start from one of these.
/// </summary>
public sealed record ClassificationSettings
{
    public const int MaxHiddenLayers = 6;
    public const int MaxNeurons = 8;

    public Dataset Dataset { get; init; } = Dataset.Circle;
    /// <summary>How many points in all (train and test).</summary>
    public int Points { get; init; } = 500;
    /// <summary>0 to 0.5: the share of each point's coordinates that is noise (the Gaussians' spread).</summary>
    public double Noise { get; init; }
    /// <summary>The share of the points used for training (0.1 to 0.9); the rest are the test set.</summary>
    public double TrainRatio { get; init; } = 0.5;
    /// <summary>torch.manual_seed: the data, the split and the initial weights follow from it.</summary>
    public int Seed { get; init; }
    public IReadOnlyList<Feature> Features { get; init; } = [Feature.X1, Feature.X2];
    /// <summary>The widths of the hidden layers, input side first (none: logistic regression).</summary>
    public IReadOnlyList<int> Hidden { get; init; } = [4, 2];
    public HiddenActivation Activation { get; init; } = HiddenActivation.Tanh;
    public Regularization Regularization { get; init; } = Regularization.None;
    /// <summary>λ: the penalty is λ·Σ|w| (L1) or λ·Σw² (L2) over every layer's weight matrix.</summary>
    public double RegularizationRate { get; init; }
    public double LearningRate { get; init; } = 0.1;
    /// <summary>Points per SGD update; one step of the playground is one pass over the training points.</summary>
    public int BatchSize { get; init; } = 10;

    /// <summary>The number of training points: the train share of the points, rounded to nearest.</summary>
    public int TrainCount => Math.Clamp((int)Math.Round(Points * TrainRatio, MidpointRounding.AwayFromZero), 1, Points - 1);

    /// <summary>The settings' own checks, in the page's words (the page's fields keep every value in range).</summary>
    public void Validate()
    {
        if (Points is < 10 or > 2000) throw new ArgumentOutOfRangeException(nameof(Points), Points, "Classification: points must be 10 to 2000.");
        if (!(Noise is >= 0 and <= 0.5)) throw new ArgumentOutOfRangeException(nameof(Noise), Noise, "Classification: noise must be 0 to 0.5.");
        if (!(TrainRatio is >= 0.1 and <= 0.9)) throw new ArgumentOutOfRangeException(nameof(TrainRatio), TrainRatio, "Classification: the train share must be 0.1 to 0.9.");
        if (Features.Count == 0) throw new ArgumentException("Classification: at least one input feature.", nameof(Features));
        if (Hidden.Count > MaxHiddenLayers || Hidden.Any(h => h is < 1 or > MaxNeurons))
            throw new ArgumentException($"Classification: at most {MaxHiddenLayers} hidden layers of 1 to {MaxNeurons} neurons.", nameof(Hidden));
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), BatchSize, "Classification: the batch size must be at least 1.");
        if (!double.IsFinite(LearningRate) || LearningRate < 0) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "Classification: the learning rate must be a finite number ≥ 0.");
        if (!double.IsFinite(RegularizationRate) || RegularizationRate < 0) throw new ArgumentOutOfRangeException(nameof(RegularizationRate), RegularizationRate, "Classification: the regularisation rate must be a finite number ≥ 0.");
    }
}
