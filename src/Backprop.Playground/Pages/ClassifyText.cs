using Backprop.Playground.Texts;

namespace Backprop.Playground.Pages;

/// <summary>The user-visible strings of the classification playground, read from Texts/PlaygroundText.resx in the current UI language (zh-CN: PlaygroundText.zh-CN.resx).</summary>
internal static class ClassifyText
{
    public static string Title => PlaygroundText.Classify_Title;
    public static string Intro => PlaygroundText.Classify_Intro;
    public static string Data => PlaygroundText.Classify_Data;
    public static string Dataset => PlaygroundText.Classify_Dataset;
    public static string Circle => PlaygroundText.Classify_Circle;
    public static string Xor => PlaygroundText.Classify_Xor;
    public static string Gauss => PlaygroundText.Classify_Gauss;
    public static string Spiral => PlaygroundText.Classify_Spiral;
    public static string Points => PlaygroundText.Classify_Points;
    public static string Noise => PlaygroundText.Classify_Noise;
    public static string TrainShare => PlaygroundText.Classify_TrainShare;
    public static string Seed => PlaygroundText.Classify_Seed;
    public static string Features => PlaygroundText.Classify_Features;
    public static string LastFeature => PlaygroundText.Classify_LastFeature;
    public static string Network => PlaygroundText.Classify_Network;
    public static string Activation => PlaygroundText.Classify_Activation;
    public static string Linear => PlaygroundText.Classify_Linear;
    public static string HiddenLayers => PlaygroundText.Classify_HiddenLayers;
    public static string AddLayer => PlaygroundText.Classify_AddLayer;
    public static string RemoveLayer => PlaygroundText.Classify_RemoveLayer;
    public static string AddNeuron => PlaygroundText.Classify_AddNeuron;
    public static string RemoveNeuron => PlaygroundText.Classify_RemoveNeuron;
    public static string AddNeuronLabel => PlaygroundText.Classify_AddNeuronLabel;
    public static string RemoveNeuronLabel => PlaygroundText.Classify_RemoveNeuronLabel;
    public static string Training => PlaygroundText.Classify_Training;
    public static string LearningRate => PlaygroundText.Classify_LearningRate;
    public static string BatchSize => PlaygroundText.Classify_BatchSize;
    public static string Regularization => PlaygroundText.Classify_Regularization;
    public static string None => PlaygroundText.Classify_None;
    public static string RegularizationRate => PlaygroundText.Classify_RegularizationRate;
    public static string ShowTest => PlaygroundText.Classify_ShowTest;
    public static string Step => PlaygroundText.Classify_Step;
    public static string Play => PlaygroundText.Classify_Play;
    public static string Pause => PlaygroundText.Classify_Pause;
    public static string Reset => PlaygroundText.Classify_Reset;
    public static string StepsToRun => PlaygroundText.Classify_StepsToRun;
    public static string Run => PlaygroundText.Classify_Run;
    public static string Steps => PlaygroundText.Classify_Steps;
    public static string TrainLoss => PlaygroundText.Classify_TrainLoss;
    public static string TestLoss => PlaygroundText.Classify_TestLoss;
    public static string TestAccuracy => PlaygroundText.Classify_TestAccuracy;
    public static string Speed => PlaygroundText.Classify_Speed;
    public static string LossCurve => PlaygroundText.Classify_LossCurve;
    public static string BoundaryLabel => PlaygroundText.Classify_BoundaryLabel;
    public static string NetworkLabel => PlaygroundText.Classify_NetworkLabel;
    public static string EdgeTitle => PlaygroundText.Classify_EdgeTitle;
    public static string NoGradient => PlaygroundText.Classify_NoGradient;
    public static string ChainRuleTitle => PlaygroundText.Classify_ChainRuleTitle;
    public static string ChainRuleHint => PlaygroundText.Classify_ChainRuleHint;
    public static string ByHand => PlaygroundText.Classify_ByHand;
    public static string ByAutograd => PlaygroundText.Classify_ByAutograd;
    public static string Code => PlaygroundText.Classify_Code;
    public static string CodeHint => PlaygroundText.Classify_CodeHint;
    public static string CSharp => PlaygroundText.Classify_CSharp;
    public static string PyTorch => PlaygroundText.Classify_PyTorch;
    public static string Diverged => PlaygroundText.Classify_Diverged;
}
