namespace Backprop.Playground.Pages;

/// <summary>The user-visible strings of the broadcasting page, in one place for translation.</summary>
internal static class BroadcastText
{
    public const string Title = "Broadcasting";
    public const string Intro = "Seed 001: two tensors typed as Python nested lists (torch.Tensor(list), float32). Shapes are aligned from the right; a missing dimension counts as 1; a 1 is stretched; two different sizes where neither is 1 cannot broadcast, and PyTorch's message says so.";
    public const string A = "a";
    public const string B = "b";
    public const string Operation = "operation";
    public const string Rules = "The rule, dimension by dimension";
    public const string Result = "Result";
    public const string Shape = "shape {0}";
    public const string Refused = "PyTorch refuses it";
    public const string TooLong = "At most {0} characters.";
    public const string Examples = "Examples";
    public const string NotFinite = "{0}: only finite numbers (no nan or inf); the last good tensor is kept.";
}
