using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Backprop.Lab.Cli;

/// <summary>
/// Options whose values the lab parses itself: comma-separated numbers ("0.5,0.3", as lab_torch.py's floats() reads
/// them) with an exact count, and choices. A bad value is a parse error naming the option, so it ends with the usage
/// and exit code 2 like any other.
/// </summary>
internal static class Values
{
    /// <summary>Parses one number the way the whole lab does: invariant culture, Python's float() forms (1, 1.5, 1e-3, inf, nan).</summary>
    public static bool TryParseNumber(string text, out double value) => Backprop.Seeds.NumberText.TryParse(text, out value);

    /// <summary>Splits "a,b,c" into numbers; the error (null when fine) names the option and the bad item.</summary>
    public static double[]? ParseList(string optionName, string text, int? count, out string? error)
    {
        error = null;
        string[] items = text.Split(',');
        var values = new double[items.Length];
        for (int i = 0; i < items.Length; i++)
        {
            if (!TryParseNumber(items[i], out values[i]))
            {
                error = $"{optionName}: '{items[i].Trim()}' (item {i + 1} of '{text}') is not a number";
                return null;
            }
            if (!double.IsFinite(values[i]))
            {
                error = $"{optionName}: item {i + 1} of '{text}' is {items[i].Trim()}; every value must be a finite number";
                return null;
            }
        }
        if (count is int n && values.Length != n)
        {
            error = $"{optionName}: expected {n} comma-separated numbers, got {values.Length} in '{text}'";
            return null;
        }
        return values;
    }

    /// <summary>An option holding comma-separated numbers, exactly count of them when count is given.</summary>
    public static NumberListOption NumberList(string name, string defaultText, string description, int? count = null) =>
        new(name, ParseList(name, defaultText, count, out _)!)
        {
            // The default is in the description as the user types it ("0.5,0.3"), not as the parser would print an array.
            Description = $"{description} [default: {defaultText}]",
            HelpName = count is int n ? $"{n} numbers" : "numbers",
            CustomParser = result => Parse(result, name, count),
        };

    private static double[] Parse(ArgumentResult result, string name, int? count)
    {
        if (result.Tokens.Count != 1)
        {
            result.AddError($"{name}: expected one value such as 1,2,3");
            return [];
        }
        var values = ParseList(name, result.Tokens[0].Value, count, out string? error);
        if (error is not null) result.AddError(error);
        return values ?? [];
    }

    /// <summary>A number option whose default is printed in the help.</summary>
    public static Option<double> Number(string name, double defaultValue, string description) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => ParseNumber(result, name),
    };

    /// <summary>A number option with no default (null when absent).</summary>
    public static Option<double?> OptionalNumber(string name, string description) => new(name)
    {
        Description = description,
        CustomParser = result => ParseNumber(result, name),
    };

    private static double ParseNumber(ArgumentResult result, string name)
    {
        string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (!TryParseNumber(text, out double value)) result.AddError($"{name}: '{text}' is not a number");
        else if (!double.IsFinite(value)) result.AddError($"{name}: must be a finite number (got {text})");
        else return value;
        return 0;
    }

    /// <summary>
    /// The most steps, epochs, iterations or points a count option takes by default: what a laptop finishes, and a
    /// bound on the per-step records a run keeps (80 MB of losses at most).
    /// </summary>
    public const int MaxCount = 10_000_000;

    /// <summary>A whole-number option from min to max, its default printed in the help.</summary>
    public static Option<int> Count(string name, int defaultValue, string description, int min = 1, int max = MaxCount) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
            {
                result.AddError($"{name}: '{text}' is not a whole number");
                return 0;
            }
            if (value < min) result.AddError($"{name}: must be at least {min} (got {value})");
            else if (value > max) result.AddError($"{name}: must be at most {max} (got {value})");
            return value;
        },
    };

    /// <summary>A seed for the random generator (any integer, as torch.manual_seed takes; negatives wrap as in PyTorch).</summary>
    public static Option<long> Seed(string? description = null) => new("--seed")
    {
        Description = description ?? T.HelpSeed,
        DefaultValueFactory = _ => 0,
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value)) return value;
            result.AddError($"--seed: '{text}' is not a whole number");
            return 0;
        },
    };

    /// <summary>An option that takes one of a fixed set of words.</summary>
    public static Option<string> Choice(string name, string defaultValue, string description, params string[] choices)
    {
        var option = new Option<string>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
        };
        option.AcceptOnlyFromAmong(choices);
        return option;
    }

    /// <summary>A file path option (no default).</summary>
    public static Option<string?> File(string name, string description) => new(name) { Description = description, HelpName = "FILE" };

    /// <summary>A comma-separated list of whole numbers (seeds, epoch counts).</summary>
    public static IntListOption IntList(string name, string defaultText, string description, int min, int max = int.MaxValue) =>
        new(name, defaultText.Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).ToArray())
    {
        Description = $"{description} [default: {defaultText}]",
        HelpName = "numbers",
        CustomParser = result =>
        {
            string text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
            var items = text.Split(',');
            var values = new int[items.Length];
            for (int i = 0; i < items.Length; i++)
            {
                if (!int.TryParse(items[i].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out values[i]))
                {
                    result.AddError($"{name}: '{items[i].Trim()}' (item {i + 1} of '{text}') is not a whole number");
                    return [];
                }
                if (values[i] < min || values[i] > max)
                {
                    result.AddError(values[i] < min
                        ? $"{name}: every value must be at least {min} (got {values[i]})"
                        : $"{name}: every value must be at most {max} (got {values[i]})");
                    return [];
                }
            }
            return values;
        },
    };
}

/// <summary>Comma-separated numbers; absent, the default.</summary>
internal sealed class NumberListOption(string name, double[] defaultValue) : Option<double[]>(name)
{
    public double[] Default { get; } = defaultValue;
}

/// <summary>Comma-separated whole numbers; absent, the default.</summary>
internal sealed class IntListOption(string name, int[] defaultValue) : Option<int[]>(name)
{
    public int[] Default { get; } = defaultValue;
}

internal static class ParseResultExtensions
{
    // An absent collection option reads as an empty array, not null: ask whether it was given.
    public static double[] Get(this ParseResult result, NumberListOption option) =>
        result.GetResult(option) is null ? option.Default : result.GetValue(option) ?? option.Default;

    public static int[] Get(this ParseResult result, IntListOption option) =>
        result.GetResult(option) is null ? option.Default : result.GetValue(option) ?? option.Default;
}
