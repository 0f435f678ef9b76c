namespace Backprop.Lab.Experiments.CharLm;

/// <summary>A char-lm run's settings: charlm_torch.py's options (the same defaults) and the lab's own.</summary>
internal sealed record CharLmSettings
{
    public const string Gpt = "gpt";
    public const string Lstm = "lstm";

    public string Corpus { get; init; } = "tang300";
    public string Model { get; init; } = Gpt;
    public int Steps { get; init; } = 200;
    public int Batch { get; init; } = 32;
    public int Block { get; init; } = 64;
    public int Embd { get; init; } = 128;
    public int Heads { get; init; } = 4;
    public int Layers { get; init; } = 2;
    public double Lr { get; init; } = 3e-3;
    public long Seed { get; init; }
    public int Sample { get; init; } = 48;

    /// <summary>Sampling temperature for the generated text; null: greedy (argmax), as the reference.</summary>
    public double? Temperature { get; init; }

    /// <summary>Validation batches averaged (charlm_torch.py's 10).</summary>
    public int ValidationBatches { get; init; } = 10;
}
