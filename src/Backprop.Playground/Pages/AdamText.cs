using Backprop.Playground.Texts;

namespace Backprop.Playground.Pages;

/// <summary>The user-visible strings of the 3×3 layer and Adam page, read from Texts/PlaygroundText.resx in the current UI language (zh-CN: PlaygroundText.zh-CN.resx).</summary>
internal static class AdamText
{
    public static string Title => PlaygroundText.Adam_Title;
    public static string Intro => PlaygroundText.Adam_Intro;
    public static string Optimizer => PlaygroundText.Adam_Optimizer;
    public static string LearningRate => PlaygroundText.Adam_LearningRate;
    public static string Step => PlaygroundText.Adam_Step;
    public static string Run => PlaygroundText.Adam_Run;
    public static string StepsToRun => PlaygroundText.Adam_StepsToRun;
    public static string Reset => PlaygroundText.Adam_Reset;
    public static string Init => PlaygroundText.Adam_Init;
    public static string InitFixed => PlaygroundText.Adam_InitFixed;
    public static string InitRandom => PlaygroundText.Adam_InitRandom;
    public static string Seed => PlaygroundText.Adam_Seed;
    public static string Gradient => PlaygroundText.Adam_Gradient;
    public static string Weights => PlaygroundText.Adam_Weights;
    public static string Autograd => PlaygroundText.Adam_Autograd;
    public static string Hand => PlaygroundText.Adam_Hand;
    public static string Difference => PlaygroundText.Adam_Difference;
    public static string Library => PlaygroundText.Adam_Library;
    public static string HandStep => PlaygroundText.Adam_HandStep;
    public static string MaxDifference => PlaygroundText.Adam_MaxDifference;
    public static string Loss => PlaygroundText.Adam_Loss;
    public static string Steps => PlaygroundText.Adam_Steps;
    public static string LossCurve => PlaygroundText.Adam_LossCurve;
    public static string NoStep => PlaygroundText.Adam_NoStep;
    public static string Diverged => PlaygroundText.Adam_Diverged;
}
