namespace Backprop.Playground.Pages;

/// <summary>The user-visible strings of the computational-graph page, in one place for translation.</summary>
internal static class GraphText
{
    public const string Title = "Computational graph";
    public const string Intro = "Seed 002: type an expression; the graph drawn is the one autograd recorded (PyTorch's grad_fn names), every node with its value, and after Backward its gradient. Operators + - * / ^, unary minus, parentheses, and sigmoid, tanh, relu, exp, log, sqrt, sin, cos.";
    public const string ExpressionLabel = "J =";
    public const string Variables = "Variables";
    public const string Backward = "Backward";
    public const string Result = "J";
    public const string Gradient = "dJ/d{0}";
    public const string NoVariables = "The expression has no variables: nothing to differentiate.";
    public const string ErrorAt = "Position {0}: {1}";
    public const string GraphLabel = "The recorded autograd graph";
    public const string Constant = "J is a constant ({0}): no graph was recorded.";
    public const string TooManyVariables = "At most {0} variables.";
}
