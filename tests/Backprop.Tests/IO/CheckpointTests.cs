using Backprop;
using Backprop.IO;
using Backprop.NN;
using Backprop.Optim;

namespace Backprop.Tests.IO;

// Checkpoint: N steps, save, fresh objects, load, M steps is bit for bit what N + M uninterrupted steps give (model,
// optimizer state, learning rate, generator); a different model is refused naming the first mismatched parameter.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("checkpoint-tests").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A run: an LSTM and a dropout head, Adam with a StepLR schedule, batches and dropout masks from its own generator.</summary>
    private sealed class Run
    {
        public Generator Generator { get; }
        public Seq Model { get; }
        public Adam Optimizer { get; }
        public StepLR Scheduler { get; }

        public Run(ulong seed, int hidden = 5)
        {
            Generator = new Generator(seed);
            Model = new Seq(hidden, Generator);
            Optimizer = new Adam(Model.Parameters(), lr: 0.01);
            Scheduler = new StepLR(Optimizer, stepSize: 3, gamma: 0.5);
        }

        public void Train(int steps)
        {
            for (int i = 0; i < steps; i++)
            {
                var x = Tensor.Randn([4, 6, 3], generator: Generator);
                var loss = Model.Forward(x).Pow(2).Mean();
                Optimizer.ZeroGrad();
                loss.Backward();
                Optimizer.Step();
                Scheduler.Step();
            }
        }
    }

    private sealed class Seq : Module<Tensor, Tensor>
    {
        private readonly Generator _generator;
        public LSTM Lstm { get; }
        public Linear Head { get; }

        public Seq(int hidden, Generator generator)
        {
            _generator = generator;
            Lstm = RegisterModule("lstm", new LSTM(3, hidden, batchFirst: true, generator: generator));
            Head = RegisterModule("head", new Linear(hidden, 2, generator: generator));
        }

        public override Tensor Forward(Tensor input) => Head.Forward(F.Dropout(Lstm.Forward(input).Output, 0.3, Training, _generator));
    }

    private static void AssertSameBits(Run expected, Run actual)
    {
        foreach (var ((name, a), (_, b)) in expected.Model.StateDict().Zip(actual.Model.StateDict()))
            Assert.True(a.ToArray<float>().SequenceEqual(b.ToArray<float>()), $"{name} differs");
        var sa = expected.Optimizer.StateDict().State;
        var sb = actual.Optimizer.StateDict().State;
        Assert.Equal(sa.Keys, sb.Keys);
        foreach (var (index, values) in sa)
            foreach (var (key, t) in values)
                Assert.True(t.ToDoubleArray().SequenceEqual(sb[index][key].ToDoubleArray()), $"optimizer state {index}.{key} differs");
        Assert.Equal(expected.Scheduler.GetLastLr(), actual.Scheduler.GetLastLr());
        Assert.Equal(expected.Scheduler.LastEpoch, actual.Scheduler.LastEpoch);
        Assert.Equal(expected.Generator.GetState(), actual.Generator.GetState());
    }

    [Fact]
    public void Saving_and_resuming_in_fresh_objects_continues_bit_for_bit()
    {
        var uninterrupted = new Run(7);
        uninterrupted.Train(9);

        var first = new Run(7);
        first.Train(5);
        string path = Path.Combine(_dir, "run.ckpt");
        Checkpoint.Save(path, first.Model, first.Optimizer, first.Scheduler, first.Generator, step: 5, extra: new Dictionary<string, string> { ["note"] = "five steps" });

        var resumed = new Run(12345);   // other initial weights and another stream, all overwritten by the load
        var info = Checkpoint.Load(path, resumed.Model, resumed.Optimizer, resumed.Scheduler, resumed.Generator);
        Assert.Equal(5, info.Step);
        Assert.Equal("five steps", info.Extra["note"]);
        resumed.Train(4);
        AssertSameBits(uninterrupted, resumed);
    }

    [Fact]
    public void A_checkpoint_of_another_model_is_refused_naming_the_first_mismatched_parameter_and_nothing_changes()
    {
        var run = new Run(1);
        run.Train(1);
        string path = Path.Combine(_dir, "small.ckpt");
        Checkpoint.Save(path, run.Model, run.Optimizer, generator: run.Generator, step: 1);
        var other = new Run(2, hidden: 6);
        var before = other.Model.StateDict().ToDictionary(kv => kv.Key, kv => kv.Value.Clone());
        var e = Assert.Throws<ArgumentException>(() => Checkpoint.Load(path, other.Model, other.Optimizer, generator: other.Generator));
        Assert.Equal($"Checkpoint: {path} was saved from a different model: \"lstm.weight_ih_l0\" is torch.float32 [20, 3] in the checkpoint and torch.float32 [24, 3] in the model", e.Message);
        foreach (var (name, t) in other.Model.StateDict()) Assert.True(t.AllClose(before[name], 0, 0));
        Assert.Empty(other.Optimizer.StateDict().State);

        var linear = new Linear(3, 2);
        e = Assert.Throws<ArgumentException>(() => Checkpoint.Load(path, linear));
        Assert.Equal($"Checkpoint: {path} was saved from a different model: parameter \"weight\" is not in the checkpoint", e.Message);
        e = Assert.Throws<ArgumentException>(() => Checkpoint.Load(path, run.Model, new SGD(run.Model.Parameters(), lr: 0.1)));
        Assert.Equal($"Checkpoint: {path} holds Adam optimizer state, not SGD state", e.Message);
    }

    [Fact]
    public void A_plain_safetensors_file_is_not_a_checkpoint()
    {
        string path = Path.Combine(_dir, "weights.safetensors");
        var linear = new Linear(2, 2);
        SafeTensors.SaveModule(linear, path);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, linear));
        Assert.Equal($"Checkpoint: {path} is a safetensors file but not a checkpoint (no \"backprop.checkpoint\" metadata)", e.Message);
    }
}
