using System.Globalization;

namespace Backprop.Lab.Output;

/// <summary>Numbers as the human report prints them; invariant culture always.</summary>
internal static class Fmt
{
    /// <summary>Round-trip precision (every digit a double has).</summary>
    public static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Six significant digits: the explain lines and tables.</summary>
    public static string G(double v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>A short form for differences: 3 significant digits in exponent form.</summary>
    public static string E(double v) => v.ToString("0.00E+00", CultureInfo.InvariantCulture);

    /// <summary>Numbers joined with ", ".</summary>
    public static string List(IEnumerable<double> values, Func<double, string>? format = null) =>
        string.Join(", ", values.Select(format ?? G));

    /// <summary>An integer, invariant.</summary>
    public static string I(long v) => v.ToString(CultureInfo.InvariantCulture);
}
