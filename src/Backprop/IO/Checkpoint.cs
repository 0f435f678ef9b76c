using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Backprop.NN;
using Backprop.Optim;

namespace Backprop.IO;

/// <summary>
/// A training run in one file, to stop and continue exactly: the model's state dict, the optimizer's state and
/// options, the scheduler's state, a generator's state and the step, as safetensors (tensors "model.*" and
/// "optimizer.state.{index}.{name}") with the rest as JSON in the metadata; written atomically (a crash leaves the
/// previous file). Loading restores every piece bit for bit, so N steps, a save and M resumed steps give what N + M
/// uninterrupted steps give. Like torch.save of {model.state_dict(), optimizer.state_dict(), scheduler.state_dict(),
/// torch.get_rng_state(), step} and the matching loads, in one checked call.
/// </summary>
public static class Checkpoint
{
    /// <summary>The metadata key that marks a checkpoint and holds its format version.</summary>
    public const string FormatKey = "backprop.checkpoint";

    private const string Version = "1";

    /// <summary>
    /// Saves the run to path (atomically). Extra entries (strings, e.g. the run's settings) go into the metadata
    /// and come back from <see cref="Load"/>.
    /// </summary>
    public static void Save(string path, Module model, Optimizer? optimizer = null, LRScheduler? scheduler = null, Generator? generator = null,
        long step = 0, IReadOnlyDictionary<string, string>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = new OrderedDictionary<string, Tensor>();
        foreach (var (name, t) in model.StateDict()) tensors["model." + name] = t;
        var metadata = new Dictionary<string, string>
        {
            [FormatKey] = Version,
            ["step"] = step.ToString(CultureInfo.InvariantCulture),
        };
        if (optimizer is not null)
        {
            var state = optimizer.StateDict();
            foreach (var (index, values) in state.State)
                foreach (var (key, t) in values)
                    tensors[$"optimizer.state.{index}.{key}"] = t;
            var groups = new JsonArray();
            foreach (var g in state.ParamGroups) groups.Add(TypedJson.Encode(g));
            metadata["optimizer"] = new JsonObject { ["type"] = optimizer.GetType().Name, ["param_groups"] = groups }.ToJsonString();
        }
        if (scheduler is not null)
            metadata["scheduler"] = new JsonObject { ["type"] = scheduler.GetType().Name, ["state"] = TypedJson.Encode(scheduler.StateDict()) }.ToJsonString();
        if (generator is not null) metadata["generator"] = Convert.ToBase64String(generator.GetState());
        if (extra is not null)
            foreach (var (k, v) in extra)
            {
                if (metadata.ContainsKey(k) || k == SafeTensors.MetadataKey)
                    throw new ArgumentException($"Checkpoint.Save: extra metadata key \"{k}\" is reserved");
                metadata[k] = v;
            }
        SafeTensors.Save(path, tensors, metadata);
    }

    /// <summary>
    /// Restores a run saved by <see cref="Save"/> into the given objects (the same model architecture, an optimizer
    /// and scheduler of the same kinds as saved) and returns the step and the extra metadata. Nothing changes when
    /// the file does not fit: a model whose parameters differ is refused with the first mismatched name.
    /// </summary>
    public static CheckpointInfo Load(string path, Module model, Optimizer? optimizer = null, LRScheduler? scheduler = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        var (tensors, metadata) = SafeTensors.LoadWithMetadata(path);
        if (!metadata.TryGetValue(FormatKey, out var version))
            throw new InvalidDataException($"Checkpoint: {path} is a safetensors file but not a checkpoint (no \"{FormatKey}\" metadata)");
        if (version != Version) throw new InvalidDataException($"Checkpoint: {path} has format version {version}; this library reads version {Version}");

        // Check everything before changing anything.
        var saved = tensors.Where(kv => kv.Key.StartsWith("model.", StringComparison.Ordinal)).ToDictionary(kv => kv.Key["model.".Length..], kv => kv.Value);
        var own = model.StateDict();
        foreach (var (name, t) in own)
        {
            if (!saved.TryGetValue(name, out var s))
                throw new ArgumentException($"Checkpoint: {path} was saved from a different model: parameter \"{name}\" is not in the checkpoint");
            if (!s.Shape.SequenceEqual(t.Shape) || s.DType != t.DType)
                throw new ArgumentException($"Checkpoint: {path} was saved from a different model: \"{name}\" is {s.DType.TorchName()} {Shapes.Format(s.ShapeArray)} " +
                                            $"in the checkpoint and {t.DType.TorchName()} {Shapes.Format(t.ShapeArray)} in the model");
        }
        foreach (var name in saved.Keys)
            if (!own.ContainsKey(name))
                throw new ArgumentException($"Checkpoint: {path} was saved from a different model: it has \"{name}\", which the model lacks");

        OptimizerStateDict? optimizerState = null;
        if (optimizer is not null)
        {
            if (!metadata.TryGetValue("optimizer", out var text)) throw new ArgumentException($"Checkpoint: {path} holds no optimizer state");
            var node = JsonNode.Parse(text)!.AsObject();
            string type = (string)node["type"]!;
            if (type != optimizer.GetType().Name)
                throw new ArgumentException($"Checkpoint: {path} holds {type} optimizer state, not {optimizer.GetType().Name} state");
            var groups = node["param_groups"]!.AsArray().Select(g => (IReadOnlyDictionary<string, object>)TypedJson.Decode(g!.AsObject())).ToList();
            var state = new SortedDictionary<int, IReadOnlyDictionary<string, Tensor>>();
            foreach (var (key, t) in tensors)
            {
                if (!key.StartsWith("optimizer.state.", StringComparison.Ordinal)) continue;
                var rest = key["optimizer.state.".Length..];
                int dot = rest.IndexOf('.');
                int index = int.Parse(rest.AsSpan(0, dot), CultureInfo.InvariantCulture);
                if (!state.TryGetValue(index, out var entries)) state[index] = entries = new Dictionary<string, Tensor>();
                ((Dictionary<string, Tensor>)entries)[rest[(dot + 1)..]] = t;
            }
            optimizerState = new OptimizerStateDict(state, groups);
        }
        IReadOnlyDictionary<string, object>? schedulerState = null;
        if (scheduler is not null)
        {
            if (!metadata.TryGetValue("scheduler", out var text)) throw new ArgumentException($"Checkpoint: {path} holds no scheduler state");
            var node = JsonNode.Parse(text)!.AsObject();
            string type = (string)node["type"]!;
            if (type != scheduler.GetType().Name)
                throw new ArgumentException($"Checkpoint: {path} holds {type} scheduler state, not {scheduler.GetType().Name} state");
            schedulerState = TypedJson.Decode(node["state"]!.AsObject());
        }
        byte[]? generatorState = null;
        if (generator is not null)
        {
            if (!metadata.TryGetValue("generator", out var text)) throw new ArgumentException($"Checkpoint: {path} holds no generator state");
            generatorState = Convert.FromBase64String(text);
            if (generatorState.Length != Generator.StateSize)
                throw new InvalidDataException($"Checkpoint: {path} has a generator state of {generatorState.Length} bytes, expected {Generator.StateSize}");
        }

        if (optimizerState is not null) optimizer!.LoadStateDict(optimizerState);   // validates before it changes anything
        model.LoadStateDict(saved);
        if (schedulerState is not null) scheduler!.LoadStateDict(schedulerState);
        if (generatorState is not null) generator!.SetState(generatorState);
        var extra = metadata.Where(kv => kv.Key is not (FormatKey or "step" or "optimizer" or "scheduler" or "generator"))
            .ToDictionary(kv => kv.Key, kv => kv.Value);
        return new CheckpointInfo(long.Parse(metadata["step"], CultureInfo.InvariantCulture), extra);
    }
}

/// <summary>What <see cref="Checkpoint.Load"/> returns besides the restored objects: the step and the extra metadata.</summary>
public sealed record CheckpointInfo(long Step, IReadOnlyDictionary<string, string> Extra);

/// <summary>
/// Optimizer options and scheduler states (string → bool, int, long, double, string, int[], double[], a pair of
/// doubles, or null) as JSON that keeps each value's type, doubles written with all their bits ("R").
/// </summary>
internal static class TypedJson
{
    public static JsonObject Encode(IReadOnlyDictionary<string, object> values)
    {
        var o = new JsonObject();
        foreach (var (k, v) in values) o[k] = EncodeValue(k, v);
        return o;
    }

    private static string D(double d) => d.ToString("R", CultureInfo.InvariantCulture);

    private static JsonObject EncodeValue(string key, object? v) => v switch
    {
        null => new JsonObject { ["t"] = "null" },
        bool b => new JsonObject { ["t"] = "bool", ["v"] = b },
        int i => new JsonObject { ["t"] = "int", ["v"] = i },
        long l => new JsonObject { ["t"] = "long", ["v"] = l },
        double d => new JsonObject { ["t"] = "double", ["v"] = D(d) },
        string s => new JsonObject { ["t"] = "string", ["v"] = s },
        int[] a => new JsonObject { ["t"] = "int[]", ["v"] = new JsonArray(a.Select(x => (JsonNode)x).ToArray()) },
        double[] a => new JsonObject { ["t"] = "double[]", ["v"] = new JsonArray(a.Select(x => (JsonNode)D(x)).ToArray()) },
        ValueTuple<double, double> p => new JsonObject { ["t"] = "pair", ["v"] = new JsonArray(D(p.Item1), D(p.Item2)) },
        _ => throw new ArgumentException($"Checkpoint: cannot save \"{key}\" of type {v.GetType().Name}"),
    };

    public static Dictionary<string, object> Decode(JsonObject o)
    {
        var values = new Dictionary<string, object>();
        foreach (var (k, node) in o)
        {
            var e = node!.AsObject();
            var v = e["v"];
            static double P(JsonNode? n) => double.Parse((string)n!, CultureInfo.InvariantCulture);
            values[k] = (string)e["t"]! switch
            {
                "null" => null!,
                "bool" => (bool)v!,
                "int" => (int)v!,
                "long" => (long)v!,
                "double" => P(v),
                "string" => (string)v!,
                "int[]" => v!.AsArray().Select(x => (int)x!).ToArray(),
                "double[]" => v!.AsArray().Select(P).ToArray(),
                "pair" => (P(v!.AsArray()[0]), P(v.AsArray()[1])),
                var t => throw new InvalidDataException($"Checkpoint: unknown value type \"{t}\" for \"{k}\""),
            };
        }
        return values;
    }
}
