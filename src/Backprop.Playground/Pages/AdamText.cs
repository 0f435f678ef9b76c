namespace Backprop.Playground.Pages;

/// <summary>The user-visible strings of the 3×3 layer and Adam page, in one place for translation.</summary>
internal static class AdamText
{
    public const string Title = "3×3 layer and Adam";
    public const string Intro = "Seed 004: Linear(3, 3, bias=False) + sigmoid + mse_loss. Beside autograd and the library's optimizer runs the seed's DiyModel: its hand-written gradient and its hand-written SGD or Adam step, from the same start. The differences are shown after every step.";
    public const string Optimizer = "optimizer";
    public const string LearningRate = "learning rate";
    public const string Step = "Step";
    public const string Run = "Run steps";
    public const string StepsToRun = "steps to run";
    public const string Reset = "Reset";
    public const string Init = "initial weight";
    public const string InitFixed = "fixed (the seed's)";
    public const string InitRandom = "nn.Linear's init after manual_seed";
    public const string Seed = "seed";
    public const string Gradient = "Gradient of the last step (row-major [out, in])";
    public const string Weights = "Weight after the last step";
    public const string Autograd = "autograd";
    public const string Hand = "hand-written";
    public const string Difference = "|difference|";
    public const string Library = "library optimizer";
    public const string HandStep = "hand-written step";
    public const string MaxDifference = "largest difference so far";
    public const string Loss = "loss";
    public const string Steps = "steps";
    public const string LossCurve = "loss per step";
    public const string NoStep = "Press Step to run both side by side.";
    public const string Diverged = "Training stopped: the loss became {0}.";
}
