using Backprop.Playground.Texts;

namespace Backprop.Playground.Pages;

/// <summary>The user-visible strings of the computational-graph page, read from Texts/PlaygroundText.resx in the current UI language (zh-CN: PlaygroundText.zh-CN.resx).</summary>
internal static class GraphText
{
    public static string Title => PlaygroundText.Graph_Title;
    public static string Intro => PlaygroundText.Graph_Intro;
    public static string ExpressionLabel => PlaygroundText.Graph_ExpressionLabel;
    public static string Variables => PlaygroundText.Graph_Variables;
    public static string Backward => PlaygroundText.Graph_Backward;
    public static string Result => PlaygroundText.Graph_Result;
    public static string Gradient => PlaygroundText.Graph_Gradient;
    public static string NoVariables => PlaygroundText.Graph_NoVariables;
    public static string ErrorAt => PlaygroundText.Graph_ErrorAt;
    public static string GraphLabel => PlaygroundText.Graph_GraphLabel;
    public static string Constant => PlaygroundText.Graph_Constant;
    public static string TooManyVariables => PlaygroundText.Graph_TooManyVariables;
}
