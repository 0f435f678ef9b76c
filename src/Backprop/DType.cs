namespace Backprop;

/// <summary>The element type of a tensor; like torch.dtype.</summary>
public enum DType
{
    /// <summary>torch.bool: masks and comparison results.</summary>
    Bool,
    /// <summary>torch.int64 (torch.long): labels and indices.</summary>
    Int64,
    /// <summary>torch.float32 (torch.float): the default dtype.</summary>
    Float32,
    /// <summary>torch.float64 (torch.double): gradcheck and exact teaching runs.</summary>
    Float64,
}

/// <summary>Facts about each <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>True for Float32 and Float64; like dtype.is_floating_point.</summary>
    public static bool IsFloatingPoint(this DType dtype) => dtype is DType.Float32 or DType.Float64;

    /// <summary>The name PyTorch prints, e.g. "torch.float32".</summary>
    public static string TorchName(this DType dtype) => dtype switch
    {
        DType.Bool => "torch.bool",
        DType.Int64 => "torch.int64",
        DType.Float32 => "torch.float32",
        DType.Float64 => "torch.float64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>The scalar type name PyTorch's dtype messages use: "Float", "Double", "Long", "Bool" ("expected scalar type Float").</summary>
    internal static string ScalarTypeName(this DType dtype) => dtype switch
    {
        DType.Float32 => "Float",
        DType.Float64 => "Double",
        DType.Int64 => "Long",
        _ => "Bool",
    };

    /// <summary>The C type name PyTorch's matrix and convolution messages use: "float", "double", "long", "bool".</summary>
    internal static string CTypeName(this DType dtype) => dtype switch
    {
        DType.Float32 => "float",
        DType.Float64 => "double",
        DType.Int64 => "long",
        _ => "bool",
    };

    /// <summary>Bytes per element; like dtype.itemsize.</summary>
    public static int ItemSize(this DType dtype) => dtype switch
    {
        DType.Bool => 1,
        DType.Int64 => 8,
        DType.Float32 => 4,
        DType.Float64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };
}
