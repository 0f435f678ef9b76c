using System.Text.Json;
using Backprop;
using Backprop.Data;
using Backprop.NN;

namespace Backprop.Tests.RandomStreams;

// Calls mixed on one stream (the position after each must be torch's), training-like loops where the loader's draws
// interleave with Dropout's, and generator states saved and restored mid-stream, to and from PyTorch's bytes.
[Collection("DefaultGenerator")]
public class SequenceTests
{
    private static readonly JsonElement Root = StreamReference.Root;

    public static TheoryData<int> SequenceIndices => Indices("sequences");

    public static TheoryData<int> LoopIndices => Indices("loops");

    public static TheoryData<int> ViewIndices => Indices("views");

    public static TheoryData<int> StateIndices => Indices("states");

    private static TheoryData<int> Indices(string name)
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Root.GetProperty(name).GetArrayLength(); i++) data.Add(i);
        return data;
    }

    /// <summary>Runs one step of a mixed sequence on generator g (null: the default generator); returns what it drew.</summary>
    private static Tensor Step(JsonElement step, Generator? g, ref Linear? layer)
    {
        int N() => step.GetProperty("n").GetInt32();
        DType Dt() => step.GetProperty("dtype").GetString() == "float64" ? DType.Float64 : DType.Float32;
        switch (step.GetProperty("op").GetString())
        {
            case "rand":
                if (step.TryGetProperty("after", out _))
                    foreach (var _ in new DataLoader(new TensorDataset(Tensor.Arange(10)), batchSize: 4, generator: g)) { }
                return Tensor.Rand([N()], Dt(), g);
            case "randn": return Tensor.Randn([N()], Dt(), g);
            case "randint": return Tensor.RandInt(step.GetProperty("low").GetInt64(), step.GetProperty("high").GetInt64(), [N()], generator: g);
            case "randperm": return Tensor.RandPerm(N(), g);
            case "bernoulli_": return Tensor.Zeros([N()], Dt()).Bernoulli_(step.GetProperty("p").GetDouble(), g).Ne(0);
            case "linear_weight":
                layer = new Linear(step.GetProperty("in_features").GetInt32(), step.GetProperty("out_features").GetInt32(), generator: g);
                return layer.Weight;
            case "linear_bias": return layer!.Bias!;
            default: throw new ArgumentException(step.GetRawText());
        }
    }

    [Theory]
    [MemberData(nameof(SequenceIndices))]
    public void Mixed_calls_on_the_default_generator_leave_it_where_torch_leaves_it_after_each_call(int index)
    {
        var sequence = Root.GetProperty("sequences")[index];
        Tensor.ManualSeed(sequence.GetProperty("seed").GetUInt64());
        Linear? layer = null;
        int k = 0;
        foreach (var step in sequence.GetProperty("steps").EnumerateArray())
        {
            string what = $"seed {sequence.GetProperty("seed")} step {k++} {step.GetProperty("op")}";
            StreamReference.Exact(step.GetProperty("result"), Step(step, null, ref layer), what);
            Assert.True(step.GetProperty("state").GetString() == StreamReference.StateTag(Generator.Default), what + ": stream position");
        }
    }

    [Theory]
    [MemberData(nameof(SequenceIndices))]
    public void Mixed_calls_on_an_explicit_generator_saved_and_restored_before_each_call_repeat_the_stream(int index)
    {
        var sequence = Root.GetProperty("sequences")[index];
        var g = new Generator(sequence.GetProperty("seed").GetUInt64());
        Linear? layer = null;
        int k = 0;
        foreach (var step in sequence.GetProperty("steps").EnumerateArray())
        {
            string what = $"seed {sequence.GetProperty("seed")} step {k++} {step.GetProperty("op")}";
            if (step.GetProperty("op").GetString() == "linear_bias")
            {
                // drawn with the weight, by the previous step
                StreamReference.Exact(step.GetProperty("result"), layer!.Bias!, what);
                continue;
            }
            // Draw once, rewind with SetState (into another generator too) and draw again: all three agree with torch.
            var saved = g.GetState();
            var first = Step(step, g, ref layer).Clone();
            g.SetState(saved);
            var other = new Generator(12345);
            other.SetState(saved);
            Linear? otherLayer = null;
            StreamReference.Exact(step.GetProperty("result"), first, what);
            StreamReference.Exact(step.GetProperty("result"), Step(step, other, ref otherLayer), what + " (restored copy)");
            StreamReference.Exact(step.GetProperty("result"), Step(step, g, ref layer), what + " (restored)");
            Assert.Equal(StreamReference.StateTag(other), StreamReference.StateTag(g));
            Assert.True(step.GetProperty("state").GetString() == StreamReference.StateTag(g), what + ": stream position");
        }
    }

    [Theory]
    [MemberData(nameof(ViewIndices))]
    public void In_place_fills_of_views_draw_in_memory_order_like_torch(int index)
    {
        var v = Root.GetProperty("views")[index];
        var dtype = v.GetProperty("dtype").GetString() == "float64" ? DType.Float64 : DType.Float32;
        var t = v.GetProperty("view").GetString() switch
        {
            "transposed" => Tensor.Zeros([6, 5], dtype).T,
            "strided" => Tensor.Zeros([7, 9], dtype).Slice(0, 1, 7).Slice(1, 0, 9, 2),
            "permuted" => Tensor.Zeros([2, 3, 4], dtype).Permute(2, 0, 1),
            var other => throw new ArgumentException(other),
        };
        Tensor.ManualSeed(v.GetProperty("seed").GetUInt64());
        var result = v.GetProperty("op").GetString() switch
        {
            "uniform_" => t.Uniform_(-1, 2),
            "normal_" => t.Normal_(0, 1),
            _ => t.Bernoulli_(0.5).Ne(0),
        };
        string what = $"{v.GetProperty("op")} on {v.GetProperty("view")} {v.GetProperty("dtype")} seed {v.GetProperty("seed")}";
        StreamReference.Exact(v.GetProperty("result"), result, what);
        Assert.True(v.GetProperty("state").GetString() == StreamReference.StateTag(Generator.Default), what + ": stream position");
    }

    [Theory]
    [MemberData(nameof(LoopIndices))]
    public void A_training_loop_with_dropout_sees_torchs_batches_and_masks(int index)
    {
        var loop = Root.GetProperty("loops")[index];
        Tensor.ManualSeed(loop.GetProperty("seed").GetUInt64());
        var generatorSeed = loop.GetProperty("generator_seed");
        var g = generatorSeed.ValueKind == JsonValueKind.Null ? null : new Generator(generatorSeed.GetUInt64());
        var loader = new DataLoader(new TensorDataset(Tensor.Arange(loop.GetProperty("n").GetInt32())),
            loop.GetProperty("batch_size").GetInt32(), shuffle: true, dropLast: loop.GetProperty("drop_last").GetBoolean(), generator: g);
        var events = loop.GetProperty("events");
        int k = 0;
        for (int epoch = 0; epoch < loop.GetProperty("epochs").GetInt32(); epoch++)
            foreach (var batch in loader)
            {
                Assert.True(k < events.GetArrayLength(), "more batches than torch");
                var e = events[k++];
                Assert.Equal(e.GetProperty("batch").EnumerateArray().Select(v => v.GetInt64()), batch[0].ToArray<long>());
                StreamReference.Exact(e.GetProperty("dropout_mask"), F.Dropout(Tensor.Ones(4), 0.5).Ne(0), $"event {k - 1} mask");
                if (g is not null) StreamReference.Exact(e.GetProperty("rand_from_generator"), Tensor.Rand([1], generator: g), $"event {k - 1} rand");
            }
        Assert.Equal(events.GetArrayLength(), k);
        Assert.Equal(loop.GetProperty("state").GetString(), StreamReference.StateTag(Generator.Default));
        if (g is not null) Assert.Equal(loop.GetProperty("generator_state").GetString(), StreamReference.StateTag(g));
    }

    private static byte[] StateBytes(JsonElement s) => Convert.FromBase64String(s.GetProperty("state_base64").GetString()!);

    private static Tensor[] Then(Generator g, int count) => count == 1
        ? [Tensor.Rand([5], generator: g)]
        : [Tensor.Randn([5], DType.Float64, g), Tensor.Rand([20], generator: g), Tensor.RandPerm(10, g)];

    private static void AssertThen(JsonElement s, Tensor[] drawn, string what)
    {
        var then = s.GetProperty("then");
        for (int i = 0; i < drawn.Length; i++) StreamReference.Exact(then[i], drawn[i], $"{what} draw {i}");
    }

    [Theory]
    [MemberData(nameof(StateIndices))]
    public void GetState_gives_torchs_state_bytes_after_the_same_draws(int index)
    {
        var s = Root.GetProperty("states")[index];
        Generator g;
        if (s.GetProperty("seed").ValueKind == JsonValueKind.Null)
        {
            g = new Generator();
            Assert.Equal(s.GetProperty("initial_seed").GetUInt64(), g.InitialSeed);
        }
        else
        {
            g = new Generator(s.GetProperty("seed").GetUInt64());
            Tensor.Rand([7], generator: g);
            Tensor.Randn([3], DType.Float64, g);   // leaves a cached Box-Muller value, which the state carries
        }
        Assert.Equal(StateBytes(s), g.GetState());
        AssertThen(s, Then(g, s.GetProperty("then").GetArrayLength()), "after the draws");
    }

    [Theory]
    [MemberData(nameof(StateIndices))]
    public void A_state_from_torch_continues_torchs_stream_on_an_explicit_and_on_the_default_generator(int index)
    {
        var s = Root.GetProperty("states")[index];
        int count = s.GetProperty("then").GetArrayLength();
        var g = new Generator(777);
        Tensor.Randn([3], DType.Float64, g);   // a cached normal that SetState must overwrite
        g.SetState(StateBytes(s));
        AssertThen(s, Then(g, count), "explicit");
        Tensor.SetRngState(StateBytes(s));
        AssertThen(s, Then(null!, count), "default");
        Assert.Equal(StreamReference.StateTag(g), StreamReference.StateTag(Generator.Default));
    }

    [Fact]
    public void A_state_saved_mid_stream_replays_every_function_and_leaves_the_other_generators_alone()
    {
        var g = new Generator(2024);
        Tensor.Rand([3], generator: g);
        Tensor.Randn([5], DType.Float64, g);
        Tensor.ManualSeed(5);
        var defaultBefore = Generator.Default.GetState();
        var saved = g.GetState();
        Tensor[] Rest() =>
        [
            Tensor.Randn([1], DType.Float64, g), Tensor.Randn([40], generator: g), Tensor.Rand([17], DType.Float64, g),
            Tensor.RandInt(-7, 7, [9], generator: g), Tensor.RandInt(0, 1L << 45, [3], generator: g), Tensor.RandPerm(30, g),
            Tensor.Zeros([13]).Bernoulli_(0.25, g), Tensor.Zeros([6, 4]).T.Normal_(1, 2, g), F.Dropout(Tensor.Ones(11), 0.4, true, g),
            new Linear(6, 3, generator: g).Weight,
        ];
        var first = Rest();
        var end = g.GetState();
        g.SetState(saved);
        var second = Rest();
        for (int i = 0; i < first.Length; i++) Assert.Equal(first[i].ToDoubleArray(), second[i].ToDoubleArray());
        Assert.Equal(end, g.GetState());
        Assert.Equal(defaultBefore, Generator.Default.GetState());
    }
}
