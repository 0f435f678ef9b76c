namespace Backprop;

/// <summary>
/// A height and a width: a kernel size, stride, padding or dilation of a 2-D op. An int converts to a square
/// pair and a tuple (h, w) to a pair, so <c>stride: 2</c> and <c>kernelSize: (3, 5)</c> both read as in PyTorch,
/// where these arguments are an int or a tuple (torch's _size_2_t).
/// </summary>
public readonly record struct Size2(int Height, int Width)
{
    /// <summary>The same value for height and width; like passing an int where PyTorch takes a pair.</summary>
    public static implicit operator Size2(int value) => new(value, value);

    /// <summary>A (height, width) tuple; like passing a tuple where PyTorch takes a pair.</summary>
    public static implicit operator Size2((int Height, int Width) value) => new(value.Height, value.Width);

    /// <summary>The same value for height and width.</summary>
    public static Size2 FromInt32(int value) => new(value, value);

    /// <summary>As a module prints an argument given as an int or a pair: "3" when square, else "(3, 5)".</summary>
    internal string Compact() => Height == Width ? Height.ToString(System.Globalization.CultureInfo.InvariantCulture) : ToString();

    /// <summary>Prints as PyTorch prints a pair: "(3, 5)".</summary>
    public override string ToString() => $"({Height}, {Width})";
}
