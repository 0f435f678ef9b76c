using Backprop.Playground.Texts;

namespace Backprop.Playground.Pages;

/// <summary>The user-visible strings of the 2-2-2 network page, read from Texts/PlaygroundText.resx in the current UI language (zh-CN: PlaygroundText.zh-CN.resx).</summary>
internal static class TwoLayerText
{
    public static string Title => PlaygroundText.TwoLayer_Title;
    public static string Intro => PlaygroundText.TwoLayer_Intro;
    public static string Inputs => PlaygroundText.TwoLayer_Inputs;
    public static string Weights => PlaygroundText.TwoLayer_Weights;
    public static string Training => PlaygroundText.TwoLayer_Training;
    public static string LearningRate => PlaygroundText.TwoLayer_LearningRate;
    public static string Activation => PlaygroundText.TwoLayer_Activation;
    public static string Loss => PlaygroundText.TwoLayer_Loss;
    public static string Optimizer => PlaygroundText.TwoLayer_Optimizer;
    public static string Init => PlaygroundText.TwoLayer_Init;
    public static string InitFixed => PlaygroundText.TwoLayer_InitFixed;
    public static string InitRandom => PlaygroundText.TwoLayer_InitRandom;
    public static string Seed => PlaygroundText.TwoLayer_Seed;
    public static string StepsToRun => PlaygroundText.TwoLayer_StepsToRun;
    public static string Forward => PlaygroundText.TwoLayer_Forward;
    public static string Backward => PlaygroundText.TwoLayer_Backward;
    public static string Step => PlaygroundText.TwoLayer_Step;
    public static string Run => PlaygroundText.TwoLayer_Run;
    public static string Play => PlaygroundText.TwoLayer_Play;
    public static string Pause => PlaygroundText.TwoLayer_Pause;
    public static string Reset => PlaygroundText.TwoLayer_Reset;
    public static string LossCurve => PlaygroundText.TwoLayer_LossCurve;
    public static string Gradients => PlaygroundText.TwoLayer_Gradients;
    public static string Weight => PlaygroundText.TwoLayer_Weight;
    public static string Value => PlaygroundText.TwoLayer_Value;
    public static string Gradient => PlaygroundText.TwoLayer_Gradient;
    public static string StepsDone => PlaygroundText.TwoLayer_StepsDone;
    public static string LossNow => PlaygroundText.TwoLayer_LossNow;
    public static string NoGradients => PlaygroundText.TwoLayer_NoGradients;
    public static string ChainRuleTitle => PlaygroundText.TwoLayer_ChainRuleTitle;
    public static string ChainRuleHint => PlaygroundText.TwoLayer_ChainRuleHint;
    public static string ByHand => PlaygroundText.TwoLayer_ByHand;
    public static string ByAutograd => PlaygroundText.TwoLayer_ByAutograd;
    public static string ByDifferences => PlaygroundText.TwoLayer_ByDifferences;
    public static string FirstHandout => PlaygroundText.TwoLayer_FirstHandout;
    public static string Wrong => PlaygroundText.TwoLayer_Wrong;
    public static string Agrees => PlaygroundText.TwoLayer_Agrees;
    public static string Diverged => PlaygroundText.TwoLayer_Diverged;
    public static string RunTime => PlaygroundText.TwoLayer_RunTime;
    public static string NetworkLabel => PlaygroundText.TwoLayer_NetworkLabel;
    public static string LossCrossEntropy => PlaygroundText.TwoLayer_LossCrossEntropy;
}
