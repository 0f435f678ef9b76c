namespace Backprop.Playground.Pages;

/// <summary>The user-visible strings of the 2-2-2 network page, in one place for translation.</summary>
internal static class TwoLayerText
{
    public const string Title = "The 2-2-2 network";
    public const string Intro = "Seeds 000 and 003: two inputs, two hidden units, two outputs, weights w1..w8 and no biases. Forward computes every value; Backward adds dL/dw to every edge; Step trains once. Click a weight for its chain rule.";
    public const string Inputs = "Inputs and targets";
    public const string Weights = "Weights";
    public const string Training = "Training";
    public const string LearningRate = "learning rate";
    public const string Activation = "activation";
    public const string Loss = "loss";
    public const string Optimizer = "optimizer";
    public const string Init = "initial weights";
    public const string InitFixed = "fixed (the seed's)";
    public const string InitRandom = "torch.rand after manual_seed";
    public const string Seed = "seed";
    public const string StepsToRun = "steps to run";
    public const string Forward = "Forward";
    public const string Backward = "Backward";
    public const string Step = "Step";
    public const string Run = "Run steps";
    public const string Play = "Play";
    public const string Pause = "Pause";
    public const string Reset = "Reset";
    public const string LossCurve = "loss per step";
    public const string Gradients = "Gradients (autograd)";
    public const string Weight = "weight";
    public const string Value = "value";
    public const string Gradient = "dL/dw";
    public const string StepsDone = "steps";
    public const string LossNow = "loss";
    public const string NoGradients = "Press Backward (or Step) to see the gradients.";
    public const string ChainRuleTitle = "The chain rule for {0}";
    public const string ChainRuleHint = "Click a weight on the drawing (or its row) to see its derivation.";
    public const string ByHand = "hand-derived (corrected)";
    public const string ByAutograd = "autograd";
    public const string ByDifferences = "finite differences";
    public const string FirstHandout = "the seed's first handout";
    public const string Wrong = "wrong: it adds d_w5 + d_w6 where the chain rule needs the error signal times the weight";
    public const string Agrees = "agrees";
    public const string Diverged = "Training stopped: the loss became {0}. Lower the learning rate or reset.";
    public const string RunTime = "{0} steps, {1:0.###} ms each";
    public const string NetworkLabel = "The 2-2-2 network with its weights";
}
