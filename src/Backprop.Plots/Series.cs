namespace Backprop.Plots;

/// <summary>One named line of y values, plotted against 1, 2, 3, … unless xs are given.</summary>
public sealed record Series(string Name, IReadOnlyList<double> Ys, IReadOnlyList<double>? Xs = null);
