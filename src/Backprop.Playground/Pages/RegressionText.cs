using Backprop.Playground.Texts;

namespace Backprop.Playground.Pages;

/// <summary>The user-visible strings of the linear-regression page, read from Texts/PlaygroundText.resx in the current UI language (zh-CN: PlaygroundText.zh-CN.resx).</summary>
internal static class RegressionText
{
    public static string Title => PlaygroundText.Regression_Title;
    public static string Intro => PlaygroundText.Regression_Intro;
    public static string Points => PlaygroundText.Regression_Points;
    public static string Noise => PlaygroundText.Regression_Noise;
    public static string Seed => PlaygroundText.Regression_Seed;
    public static string W0 => PlaygroundText.Regression_W0;
    public static string B0 => PlaygroundText.Regression_B0;
    public static string LearningRate => PlaygroundText.Regression_LearningRate;
    public static string Mode => PlaygroundText.Regression_Mode;
    public static string Manual => PlaygroundText.Regression_Manual;
    public static string Module => PlaygroundText.Regression_Module;
    public static string Source => PlaygroundText.Regression_Source;
    public static string Generated => PlaygroundText.Regression_Generated;
    public static string Clicked => PlaygroundText.Regression_Clicked;
    public static string StepsToRun => PlaygroundText.Regression_StepsToRun;
    public static string Run => PlaygroundText.Regression_Run;
    public static string Play => PlaygroundText.Regression_Play;
    public static string Pause => PlaygroundText.Regression_Pause;
    public static string Reset => PlaygroundText.Regression_Reset;
    public static string Clear => PlaygroundText.Regression_Clear;
    public static string Loss => PlaygroundText.Regression_Loss;
    public static string Steps => PlaygroundText.Regression_Steps;
    public static string LossCurve => PlaygroundText.Regression_LossCurve;
    public static string PlotLabel => PlaygroundText.Regression_PlotLabel;
    public static string NeedPoints => PlaygroundText.Regression_NeedPoints;
    public static string Diverged => PlaygroundText.Regression_Diverged;
}
