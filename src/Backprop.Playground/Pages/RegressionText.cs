namespace Backprop.Playground.Pages;

/// <summary>The user-visible strings of the linear-regression page, in one place for translation.</summary>
internal static class RegressionText
{
    public const string Title = "Linear regression";
    public const string Intro = "Seeds 001 and 002: fit y = w·x + b by gradient descent on the mean squared error. The points are y = 3x + 1 with seeded noise, or your own: click on the plot to add points.";
    public const string Points = "points";
    public const string Noise = "noise";
    public const string Seed = "seed";
    public const string W0 = "initial w";
    public const string B0 = "initial b";
    public const string LearningRate = "learning rate";
    public const string Mode = "update";
    public const string Manual = "by hand (w -= lr·w.grad)";
    public const string Module = "Linear + MSELoss + SGD";
    public const string Source = "data";
    public const string Generated = "y = 3x + 1 + noise";
    public const string Clicked = "my clicked points";
    public const string StepsToRun = "steps to run";
    public const string Run = "Run steps";
    public const string Play = "Play";
    public const string Pause = "Pause";
    public const string Reset = "Reset";
    public const string Clear = "Clear points";
    public const string Loss = "loss";
    public const string Steps = "steps";
    public const string LossCurve = "mean squared error per step";
    public const string PlotLabel = "The points and the fitted line; click to add a point";
    public const string NeedPoints = "Click at least two points onto the plot.";
    public const string Diverged = "Training stopped: the loss became {0}. Lower the learning rate and reset.";
}
