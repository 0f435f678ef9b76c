namespace Backprop;

/// <summary>
/// The padding of a convolution: a number of zeros on each side (an int or a (height, width) pair), or one of
/// PyTorch's strings: "valid" (no padding) or "same" (the output keeps the input's size; stride 1 only; an odd
/// total pads one more at the bottom/right). Converts implicitly from int, (int, int) and string, so
/// <c>padding: 1</c>, <c>padding: (1, 2)</c> and <c>padding: "same"</c> read as in PyTorch (Union[_size_2_t, str]).
/// </summary>
public readonly record struct ConvPadding
{
    private ConvPadding(int height, int width, string? name)
    {
        Height = height;
        Width = width;
        Name = name;
    }

    /// <summary>Zeros above and below (ignored for "same").</summary>
    public int Height { get; }

    /// <summary>Zeros left and right (ignored for "same").</summary>
    public int Width { get; }

    /// <summary>"same" or "valid" when given by name, else null.</summary>
    public string? Name { get; }

    /// <summary>True for "same": padding that keeps the input's spatial size.</summary>
    public bool IsSame => Name == "same";

    /// <summary>No padding; like padding='valid'.</summary>
    public static ConvPadding Valid => new(0, 0, "valid");

    /// <summary>Output the size of the input; like padding='same'.</summary>
    public static ConvPadding Same => new(0, 0, "same");

    /// <summary>The same padding on all four sides; like padding=int.</summary>
    public static ConvPadding FromInt32(int value) => new(value, value, null);

    /// <summary>Padding (height, width); like padding=(h, w).</summary>
    public static ConvPadding FromSize2(Size2 value) => new(value.Height, value.Width, null);

    /// <summary>"same" or "valid"; like padding='same'. Any other string throws, with PyTorch's message.</summary>
    public static ConvPadding FromString(string value) => value switch
    {
        "same" => Same,
        "valid" => Valid,
        _ => throw new ArgumentException($"Invalid padding string '{value}', should be one of {{'same', 'valid'}}"),
    };

    /// <summary>The same padding on all four sides.</summary>
    public static implicit operator ConvPadding(int value) => FromInt32(value);

    /// <summary>Padding (height, width).</summary>
    public static implicit operator ConvPadding((int Height, int Width) value) => new(value.Height, value.Width, null);

    /// <summary>Padding (height, width).</summary>
    public static implicit operator ConvPadding(Size2 value) => FromSize2(value);

    /// <summary>"same" or "valid".</summary>
    public static implicit operator ConvPadding(string value) => FromString(value);

    /// <summary>Prints as PyTorch prints a module's padding: "same", "valid" or "(1, 2)".</summary>
    public override string ToString() => Name ?? $"({Height}, {Width})";
}
