using System.Runtime.CompilerServices;

namespace Backprop;

/// <summary>
/// PyTorch's result-type rule for two operands: within a category (bool &lt; integer &lt; floating) the
/// dimensioned tensors decide; a 0-d tensor or a wrapped number only lifts the category, and a
/// wrapped number lifts it to the default dtype of that category (Int64, Float32).
/// </summary>
internal static class TypePromotion
{
    private static int Category(DType d) => d switch { DType.Bool => 0, DType.Int64 => 1, _ => 2 };

    private static DType Wider(DType a, DType b) => (DType)Math.Max((int)a, (int)b);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]   // every binary op asks; nearly always the dtypes agree
    public static DType ResultType(Tensor a, Tensor b)
    {
        var dtype = a.DType;
        return dtype == b.DType ? dtype : Mixed(a, b);
    }

    private static DType Mixed(Tensor a, Tensor b)
    {
        DType? dims = null, zeroDims = null, wrapped = null;
        Add(a, ref dims, ref zeroDims, ref wrapped);
        Add(b, ref dims, ref zeroDims, ref wrapped);
        DType result = dims ?? zeroDims ?? DefaultFor(wrapped!.Value);
        if (zeroDims is { } z && Category(z) > Category(result)) result = z;
        if (wrapped is { } w && Category(w) > Category(result)) result = DefaultFor(w);
        return result;
    }

    /// <summary>
    /// The result type of a tensor and a number (a wrapped number): a floating tensor keeps its dtype; with an
    /// integer or bool tensor an integral number gives Int64 and any other the default Float32.
    /// </summary>
    public static DType ResultType(DType tensor, double number)
        => tensor.IsFloatingPoint() ? tensor : double.IsInteger(number) ? DType.Int64 : DType.Float32;

    private static void Add(Tensor t, ref DType? dims, ref DType? zeroDims, ref DType? wrapped)
    {
        if (t.IsWrappedNumber) wrapped = wrapped is null ? t.DType : Wider(wrapped.Value, t.DType);
        else if (t.Dim == 0) zeroDims = zeroDims is null ? t.DType : Wider(zeroDims.Value, t.DType);
        else dims = dims is null ? t.DType : Wider(dims.Value, t.DType);
    }

    private static DType DefaultFor(DType wrapped) => wrapped switch
    {
        DType.Float64 or DType.Float32 => DType.Float32,
        _ => wrapped,
    };

    /// <summary>The floating dtype an op like Exp or Div computes in: integers and bools go to Float32.</summary>
    public static DType ToFloating(DType d) => d.IsFloatingPoint() ? d : DType.Float32;
}
