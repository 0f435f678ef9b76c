using Backprop.NN;

namespace Backprop.Lab.Experiments.FashionMnist;

/// <summary>
/// The two models of fmnist_torch.py, layer for layer, so that their state dicts carry torch's Sequential names
/// ("1.weight", "3.bias", …) and, drawn from a generator seeded as torch.manual_seed(seed), torch's initial values.
/// </summary>
internal static class FashionMnistModels
{
    public const string Mlp = "mlp";
    public const string Cnn = "cnn";

    /// <summary>Fashion-MNIST's classes, by label (Zalando's names).</summary>
    public static readonly string[] ClassNames =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    /// <summary>The model called name, its parameters drawn from generator in the order torch draws them.</summary>
    public static Sequential Build(string name, Generator generator) => name switch
    {
        // nn.Sequential(nn.Flatten(), nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))
        Mlp => new Sequential(new Flatten(), new Linear(784, 256, generator: generator), new ReLU(), new Linear(256, 10, generator: generator)),
        // conv5x5(16) - relu - pool2 - conv5x5(32) - relu - pool2 - linear: 28 → 14 → 7, so 32·7·7 features.
        Cnn => new Sequential(
            new Conv2d(1, 16, 5, padding: 2, generator: generator), new ReLU(), new MaxPool2d(2),
            new Conv2d(16, 32, 5, padding: 2, generator: generator), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(32 * 7 * 7, 10, generator: generator)),
        _ => throw new ArgumentException($"fashion-mnist: unknown model '{name}' (expected {Mlp} or {Cnn})"),
    };

    /// <summary>The layers in one line, as torch prints them inside nn.Sequential.</summary>
    public static string Describe(Sequential model) =>
        string.Join(" → ", model.Children().Select(c => c.ToString()));

    /// <summary>The number of learnable values.</summary>
    public static long ParameterCount(Module model) => model.Parameters().Sum(p => (long)p.Numel);
}
