using System.Text.Json;
using Backprop;
using Backprop.NN;

namespace Backprop.Tests.Sequence;

/// <summary>
/// The sequence layers call their children through Call, so hooks registered on a child fire, in PyTorch 1.13's order
/// (Reference/module_hooks.json, by tests/reference/hooks_reference.py); and the layers' own Call runs their hooks.
/// </summary>
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class ChildHookTests
{
    private static readonly JsonElement Torch =
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "module_hooks.json"))).RootElement;

    private static List<string> HookEveryChild(Module module)
    {
        var log = new List<string>();
        foreach (var (name, child) in module.NamedModules())
            if (name.Length > 0)
                child.RegisterForwardHook((m, inputs, output) =>
                {
                    log.Add($"{name} {inputs.Length} {(output is Tensor ? "Tensor" : "tuple")}");
                    return null;
                });
        return log;
    }

    private static List<string> Expected(string key) =>
        Torch.GetProperty(key).EnumerateArray().Select(e => $"{e[0].GetString()} {e[1].GetInt32()} {e[2].GetString()}").ToList();

    [Fact]
    public void A_forward_hook_on_a_child_of_a_TransformerEncoderLayer_fires()
    {
        var layer = new TransformerEncoderLayer(8, 2, 16, dropout: 0, dtype: DType.Float64);
        var linear1Inputs = new List<int[]>();
        layer.Linear1.RegisterForwardHook((m, inputs, output) => { linear1Inputs.Add(((Tensor)inputs[0]!).ShapeArray); return null; });
        layer.Call(Tensor.Randn([5, 3, 8], DType.Float64));
        Assert.Equal([[5, 3, 8]], linear1Inputs);
        layer.Forward(Tensor.Randn([5, 3, 8], DType.Float64));   // Forward runs the layer's body, and the children's hooks with it
        Assert.Equal(2, linear1Inputs.Count);
    }

    [Fact]
    public void Hooks_on_every_child_of_a_post_norm_layer_fire_in_torchs_order()
    {
        var layer = new TransformerEncoderLayer(8, 2, 16, dropout: 0, dtype: DType.Float64);
        var log = HookEveryChild(layer);
        layer.Call(Tensor.Randn([5, 3, 8], DType.Float64));
        Assert.Equal(Expected("transformer_layer_hook_order"), log);
    }

    [Fact]
    public void Hooks_on_every_module_of_a_pre_norm_encoder_fire_in_torchs_order()
    {
        var layer = new TransformerEncoderLayer(8, 2, 16, dropout: 0, batchFirst: true, normFirst: true, dtype: DType.Float64);
        var encoder = new TransformerEncoder(layer, 2, new LayerNorm(8, dtype: DType.Float64));
        var log = HookEveryChild(encoder);
        encoder.Call(Tensor.Randn([3, 5, 8], DType.Float64), mask: TransformerEncoder.GenerateSquareSubsequentMask(5, DType.Float64));
        Assert.Equal(Expected("transformer_encoder_hook_order"), log);
    }

    [Fact]
    public void Recurrent_layers_and_attention_run_their_hooks_through_Call_and_a_pre_hook_can_replace_the_input()
    {
        var lstm = new LSTM(4, 3, batchFirst: true, dtype: DType.Float64);
        object? seen = null;
        lstm.RegisterForwardHook((m, inputs, output) => { seen = output; return null; });
        lstm.RegisterForwardPreHook((m, inputs) => [((Tensor)inputs[0]!).Mul(0)]);
        var (output, (h, c)) = lstm.Call(Tensor.Randn([2, 5, 4], DType.Float64));
        Assert.IsType<ValueTuple<Tensor, ValueTuple<Tensor, Tensor>>>(seen);
        var zeros = lstm.Forward(Tensor.Zeros([2, 5, 4], DType.Float64));
        TensorAssert.Close(zeros.Output.ToDoubleArray(), output);
        TensorAssert.Close(zeros.State.H.ToDoubleArray(), h);

        var gru = new GRU(4, 3, dtype: DType.Float64);
        int gruInputs = 0;
        gru.RegisterForwardHook((m, inputs, output) => { gruInputs = inputs.Length; return null; });
        gru.Call(Tensor.Randn([5, 2, 4], DType.Float64), Tensor.Zeros([1, 2, 3], DType.Float64));
        Assert.Equal(2, gruInputs);

        var cell = new LSTMCell(4, 3, dtype: DType.Float64);
        int cellCalls = 0;
        cell.RegisterForwardHook((m, inputs, output) => { cellCalls++; return null; });
        cell.Call(Tensor.Randn([2, 4], DType.Float64));
        var gruCell = new GRUCell(4, 3, dtype: DType.Float64);
        gruCell.RegisterForwardHook((m, inputs, output) => { cellCalls++; return null; });
        gruCell.Call(Tensor.Randn([2, 4], DType.Float64));
        Assert.Equal(2, cellCalls);

        var mha = new MultiheadAttention(8, 2, dtype: DType.Float64);
        int mhaInputs = 0;
        mha.RegisterForwardHook((m, inputs, output) => { mhaInputs = inputs.Length; return null; });
        var x = Tensor.Randn([5, 3, 8], DType.Float64);
        mha.Call(x, x, x);
        Assert.Equal(3, mhaInputs);
    }
}
