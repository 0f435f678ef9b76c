using Backprop;
using Backprop.IO;
using Backprop.NN;

namespace Backprop.Tests.Sequence;

// A float32 model (TransformerEncoder, bidirectional LSTM, LayerNorm, Linear) whose state dict PyTorch 1.13 wrote as
// safetensors (Reference/seq_model.safetensors, by tests/reference/seq_reference.py): the names load as they are,
// and the model gives torch's output for torch's input.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class PyTorchStateDictTests
{
    private sealed class SeqModel : Module<Tensor, Tensor>
    {
        public TransformerEncoder Encoder { get; }
        public LSTM Lstm { get; }
        public LayerNorm Norm { get; }
        public Linear Head { get; }

        public SeqModel()
        {
            Encoder = RegisterModule("encoder", new TransformerEncoder(new TransformerEncoderLayer(8, 2, 16, 0.0, batchFirst: true, normFirst: true), 2));
            Lstm = RegisterModule("lstm", new LSTM(8, 6, batchFirst: true, bidirectional: true));
            Norm = RegisterModule("norm", new LayerNorm(12));
            Head = RegisterModule("head", new Linear(12, 5));
        }

        public override Tensor Forward(Tensor input)
        {
            var y = Lstm.Forward(Encoder.Forward(input, TransformerEncoder.GenerateSquareSubsequentMask(input.Shape[1]))).Output;
            return Head.Forward(Norm.Forward(y));
        }
    }

    [Fact]
    public void A_torch_written_state_dict_loads_by_name_and_gives_torchs_output()
    {
        var reference = SeqReference.Section("model");
        var model = new SeqModel();
        Assert.Equal(reference.GetProperty("keys").EnumerateArray().Select(k => k.GetString()), model.StateDict().Keys);
        SafeTensors.LoadModule(model, Path.Combine(AppContext.BaseDirectory, "Reference", "seq_model.safetensors"));
        var x = SeqReference.Tensor(reference.GetProperty("x")).To(DType.Float32);
        using (Autograd.NoGrad())
        {
            var y = model.Forward(x);
            Assert.Equal(DType.Float32, y.DType);
            SeqReference.AssertClose(reference.GetProperty("out"), y, rtol: 1e-5, atol: 1e-6);
        }
    }
}
