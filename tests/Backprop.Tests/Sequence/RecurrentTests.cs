using System.Text.Json;
using Backprop;
using Backprop.NN;

namespace Backprop.Tests.Sequence;

// LSTM, GRU, LSTMCell and GRUCell against PyTorch 1.13 (Reference/seq_layers.json, "recurrent"): the initial weights
// under torch.manual_seed, outputs, final states and every gradient; gradchecks in Float64; shapes and errors.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class RecurrentTests
{
    public static TheoryData<string> Layers
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in SeqReference.Section("recurrent").EnumerateArray())
                if (c.GetProperty("kind").GetString() is "LSTM" or "GRU") data.Add(c.GetProperty("name").GetString()!);
            return data;
        }
    }

    public static TheoryData<string> Cells
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in SeqReference.Section("recurrent").EnumerateArray())
                if (c.GetProperty("kind").GetString()!.EndsWith("Cell", StringComparison.Ordinal)) data.Add(c.GetProperty("name").GetString()!);
            return data;
        }
    }

    private static bool Option(JsonElement options, string name, bool fallback = false) =>
        options.TryGetProperty(name, out var v) ? v.GetBoolean() : fallback;

    private static RecurrentLayer MakeLayer(JsonElement c)
    {
        var o = c.GetProperty("options");
        int layers = o.TryGetProperty("num_layers", out var l) ? l.GetInt32() : 1;
        Tensor.ManualSeed((ulong)c.GetProperty("seed").GetInt32());
        int input = o.GetProperty("input_size").GetInt32(), hidden = o.GetProperty("hidden_size").GetInt32();
        bool bias = Option(o, "bias", true), batchFirst = Option(o, "batch_first"), bidirectional = Option(o, "bidirectional");
        return c.GetProperty("kind").GetString() == "LSTM"
            ? new LSTM(input, hidden, layers, bias, batchFirst, 0, bidirectional, DType.Float64)
            : new GRU(input, hidden, layers, bias, batchFirst, 0, bidirectional, DType.Float64);
    }

    [Theory]
    [MemberData(nameof(Layers))]
    public void Recurrent_layer_initialisation_outputs_states_and_gradients_match_torch(string name)
    {
        var c = SeqReference.Case("recurrent", name);
        var module = MakeLayer(c);
        SeqReference.CheckAndLoadParams(module, c);
        var x = SeqReference.Tensor(c.GetProperty("x"), requiresGrad: true);
        var state = c.TryGetProperty("state", out var s) ? s.EnumerateArray().Select(e => SeqReference.Tensor(e, requiresGrad: true)).ToArray() : null;
        Tensor output;
        Tensor[] finals;
        if (module is LSTM lstm)
        {
            var (o, (h, cc)) = lstm.Forward(x, state is null ? null : (state[0], state[1]));
            (output, finals) = (o, [h, cc]);
        }
        else
        {
            var (o, h) = ((GRU)module).Forward(x, state?[0]);
            (output, finals) = (o, [h]);
        }
        SeqReference.AssertClose(c.GetProperty("out"), output);
        var expectedFinals = c.GetProperty("finals").EnumerateArray().ToArray();
        var gfinals = c.GetProperty("gfinals").EnumerateArray().ToArray();
        var loss = output.Mul(SeqReference.Tensor(c.GetProperty("gout"))).Sum();
        for (int k = 0; k < finals.Length; k++)
        {
            SeqReference.AssertClose(expectedFinals[k], finals[k]);
            loss = loss.Add(finals[k].Mul(SeqReference.Tensor(gfinals[k])).Sum());
        }
        loss.Backward();
        SeqReference.AssertClose(c.GetProperty("gx"), x.Grad!);
        if (state is not null)
        {
            var gstate = c.GetProperty("gstate").EnumerateArray().ToArray();
            for (int k = 0; k < state.Length; k++) SeqReference.AssertClose(gstate[k], state[k].Grad!);
        }
        SeqReference.CheckGrads(module, c);
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Recurrent_cell_initialisation_outputs_and_gradients_match_torch(string name)
    {
        var c = SeqReference.Case("recurrent", name);
        Tensor.ManualSeed((ulong)c.GetProperty("seed").GetInt32());
        RecurrentCell cell = c.GetProperty("kind").GetString() == "LSTMCell" ? new LSTMCell(3, 4, dtype: DType.Float64) : new GRUCell(3, 4, dtype: DType.Float64);
        SeqReference.CheckAndLoadParams(cell, c);
        var x = SeqReference.Tensor(c.GetProperty("x"), requiresGrad: true);
        var state = c.GetProperty("state").EnumerateArray().Select(e => SeqReference.Tensor(e, requiresGrad: true)).ToArray();
        Tensor[] outs = cell is LSTMCell lstm
            ? lstm.Forward(x, (state[0], state[1])) is var (h, cc) ? [h, cc] : []
            : [((GRUCell)cell).Forward(x, state[0])];
        var expected = c.GetProperty("finals").EnumerateArray().ToArray();
        var gouts = c.GetProperty("gfinals").EnumerateArray().ToArray();
        Tensor loss = Tensor.From(0.0);
        for (int k = 0; k < outs.Length; k++)
        {
            SeqReference.AssertClose(expected[k], outs[k]);
            loss = loss.Add(outs[k].Mul(SeqReference.Tensor(gouts[k])).Sum());
        }
        loss.Backward();
        SeqReference.AssertClose(c.GetProperty("gx"), x.Grad!);
        var gstate = c.GetProperty("gstate").EnumerateArray().ToArray();
        for (int k = 0; k < state.Length; k++) SeqReference.AssertClose(gstate[k], state[k].Grad!);
        SeqReference.CheckGrads(cell, c);
    }

    [Fact]
    public void LSTM_and_GRU_pass_gradcheck_through_input_state_and_weights()
    {
        var lstm = new LSTM(2, 3, numLayers: 2, batchFirst: true, bidirectional: true, dtype: DType.Float64);
        TensorAssert.GradCheck(a =>
        {
            var (o, (h, c)) = lstm.Forward(a[0], (a[1], a[2]));
            return o.Sum().Add(h.Mul(c).Sum());
        }, TensorAssert.Leaf(2, 3, 2), TensorAssert.Leaf(4, 2, 3), TensorAssert.Leaf(4, 2, 3));
        // The parameters themselves are Float64 leaves: gradcheck perturbs them in place.
        var input = TensorAssert.Leaf(3, 2).Detach();
        TensorAssert.GradCheck(_ => lstm.Forward(input).Output.Pow(2).Sum(), lstm.Parameters().ToArray());
        var gru = new GRU(2, 3, numLayers: 2, bidirectional: true, dtype: DType.Float64);
        TensorAssert.GradCheck(a => { var (o, h) = gru.Forward(a[0], a[1]); return o.Pow(2).Sum().Add(h.Sum()); },
            TensorAssert.Leaf(3, 2, 2), TensorAssert.Leaf(4, 2, 3));
        var cell = new GRUCell(2, 3, dtype: DType.Float64);
        TensorAssert.GradCheck(a => cell.Forward(a[0], a[1]).Pow(2).Sum(), TensorAssert.Leaf(2, 2), TensorAssert.Leaf(2, 3));
        var lcell = new LSTMCell(2, 3, dtype: DType.Float64);
        TensorAssert.GradCheck(a => { var (h, c) = lcell.Forward(a[0], (a[1], a[2])); return h.Mul(c).Sum(); },
            TensorAssert.Leaf(2, 2), TensorAssert.Leaf(2, 3), TensorAssert.Leaf(2, 3));
    }

    [Fact]
    public void LSTM_names_and_shapes_are_torchs()
    {
        var lstm = new LSTM(5, 7, numLayers: 2, bidirectional: true, batchFirst: true);
        Assert.Equal(
            ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l0_reverse", "weight_hh_l0_reverse", "bias_ih_l0_reverse", "bias_hh_l0_reverse",
             "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "weight_ih_l1_reverse", "weight_hh_l1_reverse", "bias_ih_l1_reverse", "bias_hh_l1_reverse"],
            lstm.StateDict().Keys);
        Assert.Equal([28, 14], lstm.StateDict()["weight_ih_l1"].Shape.ToArray());
        var (o, (h, c)) = lstm.Forward(Tensor.Zeros(3, 4, 5));
        Assert.Equal([3, 4, 14], o.Shape.ToArray());
        Assert.Equal([4, 3, 7], h.Shape.ToArray());
        Assert.Equal([4, 3, 7], c.Shape.ToArray());
        Assert.Equal("LSTM(5, 7, num_layers=2, batch_first=True, bidirectional=True)", lstm.ToString());
    }

    [Fact]
    public void LSTM_dropout_between_layers_acts_in_training_only()
    {
        var lstm = new LSTM(2, 4, numLayers: 2, dropout: 0.5, dtype: DType.Float64);
        var x = Tensor.Ones([3, 1, 2], DType.Float64);
        Tensor.ManualSeed(1);
        var a = lstm.Forward(x).Output;
        Tensor.ManualSeed(2);
        var b = lstm.Forward(x).Output;
        Assert.False(a.AllClose(b));
        lstm.Eval();
        Assert.True(lstm.Forward(x).Output.AllClose(lstm.Forward(x).Output));
    }

    [Fact]
    public void Recurrent_layers_refuse_wrong_sizes_naming_them()
    {
        var lstm = new LSTM(3, 4);
        var e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(5, 2, 2)));
        Assert.Equal("LSTM: input.size(-1) must be equal to input_size. Expected 3, got 2", e.Message);
        e = Assert.Throws<ArgumentException>(() => lstm.Forward(Tensor.Zeros(5, 2, 3), (Tensor.Zeros(1, 3, 4), Tensor.Zeros(1, 2, 4))));
        Assert.Equal("LSTM: Expected hidden[0] size (1, 2, 4), got [1, 3, 4]", e.Message);
        e = Assert.Throws<ArgumentException>(() => new GRU(3, 4).Forward(Tensor.Zeros(2, 2, 2, 3)));
        Assert.Equal("GRU: Expected input to be 2D or 3D, got 4D instead", e.Message);
        e = Assert.Throws<ArgumentException>(() => new LSTMCell(3, 4).Forward(Tensor.Zeros(2, 5)));
        Assert.Equal("LSTMCell: input has inconsistent input_size: got 5 expected 3", e.Message);
    }
}
