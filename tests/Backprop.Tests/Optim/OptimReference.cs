using System.Text.Json;
using Backprop;
using Backprop.Optim;

namespace Backprop.Tests.Optim;

/// <summary>
/// Reads Reference/optim.json (written by tests/reference/optim_reference.py with PyTorch 1.13) and rebuilds its
/// objective with the library: f(W, b) = Σ((W·x).sum(1) + b − t)² + 0.1·ΣW⁴ + 0.05·Σsin(3b).
/// </summary>
internal static class OptimReference
{
    private static readonly Lazy<JsonElement> Root = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "optim.json"))).RootElement);

    public static JsonElement Data => Root.Value;

    public static JsonElement Case(string section, string name)
    {
        foreach (var c in Data.GetProperty(section).EnumerateArray())
            if (c.GetProperty("name").GetString() == name) return c;
        throw new ArgumentException($"no {section} case named {name} in optim.json");
    }

    public static TheoryData<string> Names(string section)
    {
        var data = new TheoryData<string>();
        foreach (var c in Data.GetProperty(section).EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    public static double[] Doubles(JsonElement array) => array.EnumerateArray().Select(e => e.GetDouble()).ToArray();

    public static DType DTypeOf(JsonElement c) =>
        c.TryGetProperty("dtype", out var d) && d.GetString() == "float32" ? DType.Float32 : DType.Float64;

    /// <summary>Fresh leaves W (2×3) and b (2) at the problem's starting values.</summary>
    public static (Tensor W, Tensor B) Parameters(DType dtype)
    {
        var problem = Data.GetProperty("problem");
        var w0 = problem.GetProperty("W0").EnumerateArray().SelectMany(r => r.EnumerateArray()).Select(e => e.GetDouble()).ToArray();
        var w = Tensor.From(w0, 2, 3).To(dtype).RequiresGrad_();
        var b = Tensor.From(Doubles(problem.GetProperty("b0"))).To(dtype).RequiresGrad_();
        return (w, b);
    }

    /// <summary>The objective, built from the library's ops exactly as the script builds it.</summary>
    public static Tensor Objective(Tensor w, Tensor b)
    {
        var problem = Data.GetProperty("problem");
        var x = Tensor.From(Doubles(problem.GetProperty("x"))).To(w.DType);
        var t = Tensor.From(Doubles(problem.GetProperty("t"))).To(w.DType);
        var r = (w * x).Sum(1) + b - t;
        return r.Pow(2).Sum() + 0.1 * w.Pow(4).Sum() + 0.05 * (b * 3).Sin().Sum();
    }

    /// <summary>An option of a case by PyTorch name, or the fallback when the case leaves it out.</summary>
    public static double Number(JsonElement options, string name, double fallback) =>
        options.TryGetProperty(name, out var v) ? v.GetDouble() : fallback;

    public static bool Flag(JsonElement options, string name) =>
        options.TryGetProperty(name, out var v) && v.GetBoolean();

    public static (double, double)? Betas(JsonElement options) =>
        options.TryGetProperty("betas", out var v) ? (v[0].GetDouble(), v[1].GetDouble()) : null;

    /// <summary>A JSON options object as ParamGroup options: numbers to double, booleans, pairs to (double, double).</summary>
    public static Dictionary<string, object> GroupOptions(JsonElement options)
    {
        var result = new Dictionary<string, object>();
        foreach (var property in options.EnumerateObject())
            result[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.Number => property.Value.GetDouble(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Array => (property.Value[0].GetDouble(), property.Value[1].GetDouble()),
                _ => throw new ArgumentException($"unexpected option {property.Name}"),
            };
        return result;
    }

    /// <summary>The optimizer a case names, through the tensor overload, or through ParamGroups when the case has groups.</summary>
    public static Optimizer Create(JsonElement c, Tensor w, Tensor b)
    {
        var o = c.GetProperty("options");
        string kind = c.GetProperty("optimizer").GetString()!;
        if (c.TryGetProperty("groups", out var groupsJson))
        {
            ParamGroup[] groups = [new ParamGroup([w], GroupOptions(groupsJson[0])), new ParamGroup([b], GroupOptions(groupsJson[1]))];
            return kind switch
            {
                "SGD" => new SGD(groups, Number(o, "lr", double.NaN), Number(o, "momentum", 0), Number(o, "dampening", 0),
                                 Number(o, "weight_decay", 0), Flag(o, "nesterov"), Flag(o, "maximize")),
                "Adam" => new Adam(groups, Number(o, "lr", 1e-3), Betas(o), Number(o, "eps", 1e-8), Number(o, "weight_decay", 0),
                                   Flag(o, "amsgrad"), Flag(o, "maximize")),
                _ => throw new ArgumentException($"no group case for {kind}"),
            };
        }
        Tensor[] ps = [w, b];
        return kind switch
        {
            "SGD" => new SGD(ps, Number(o, "lr", double.NaN), Number(o, "momentum", 0), Number(o, "dampening", 0),
                             Number(o, "weight_decay", 0), Flag(o, "nesterov"), Flag(o, "maximize")),
            "Adam" => new Adam(ps, Number(o, "lr", 1e-3), Betas(o), Number(o, "eps", 1e-8), Number(o, "weight_decay", 0),
                               Flag(o, "amsgrad"), Flag(o, "maximize")),
            "AdamW" => new AdamW(ps, Number(o, "lr", 1e-3), Betas(o), Number(o, "eps", 1e-8), Number(o, "weight_decay", 1e-2),
                                 Flag(o, "amsgrad"), Flag(o, "maximize")),
            "RMSprop" => new RMSprop(ps, Number(o, "lr", 1e-2), Number(o, "alpha", 0.99), Number(o, "eps", 1e-8),
                                     Number(o, "weight_decay", 0), Number(o, "momentum", 0), Flag(o, "centered"), Flag(o, "maximize")),
            "Adagrad" => new Adagrad(ps, Number(o, "lr", 1e-2), Number(o, "lr_decay", 0), Number(o, "weight_decay", 0),
                                     Number(o, "initial_accumulator_value", 0), Number(o, "eps", 1e-10), Flag(o, "maximize")),
            _ => throw new ArgumentException($"unknown optimizer {kind}"),
        };
    }

    /// <summary>One training step as the script takes it: zero, loss (negated for maximize), backward, step.</summary>
    public static void TrainStep(Optimizer optimizer, Tensor w, Tensor b, bool negate)
    {
        optimizer.ZeroGrad();
        var loss = Objective(w, b);
        if (negate) loss = -1.0 * loss;
        loss.Backward();
        optimizer.Step();
    }

    /// <summary>W then b, flattened, as doubles.</summary>
    public static double[] Flatten(Tensor w, Tensor b) => [.. w.ToDoubleArray(), .. b.ToDoubleArray()];
}
