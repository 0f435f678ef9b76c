using Backprop.Playground.Texts;

namespace Backprop.Playground.Pages;

/// <summary>The user-visible strings of the broadcasting page, read from Texts/PlaygroundText.resx in the current UI language (zh-CN: PlaygroundText.zh-CN.resx).</summary>
internal static class BroadcastText
{
    public static string Title => PlaygroundText.Broadcast_Title;
    public static string Intro => PlaygroundText.Broadcast_Intro;
    public static string A => PlaygroundText.Broadcast_A;
    public static string B => PlaygroundText.Broadcast_B;
    public static string Operation => PlaygroundText.Broadcast_Operation;
    public static string Rules => PlaygroundText.Broadcast_Rules;
    public static string Result => PlaygroundText.Broadcast_Result;
    public static string Shape => PlaygroundText.Broadcast_Shape;
    public static string Refused => PlaygroundText.Broadcast_Refused;
    public static string TooLong => PlaygroundText.Broadcast_TooLong;
    public static string Examples => PlaygroundText.Broadcast_Examples;
    public static string NotFinite => PlaygroundText.Broadcast_NotFinite;
}
