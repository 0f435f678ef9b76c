namespace Backprop.Docs.Tests;

/// <summary>
/// The samples run and print what they promise. They are built with this project (it references them); each test
/// runs one built sample. Expected numbers come from the same program written with PyTorch 1.13.
/// </summary>
public sealed class SampleTests
{
    /// <summary>What samples/TwoLayerNetwork prints; PyTorch prints the same for the same script.</summary>
    internal const string TwoLayerNetworkOutput = """
        outputs: tensor([0.4769, 0.5287], dtype=torch.float64, grad_fn=<SigmoidBackward0>)
        dL/dW1: tensor([[-0.0084, -0.0051],
                [ 0.0126,  0.0076]], dtype=torch.float64)
        dL/dW2: tensor([[0.0346, 0.0305],
                [0.0839, 0.0738]], dtype=torch.float64)
        step 1: loss 0.209710
        step 2: loss 0.195033
        step 3: loss 0.181351
        step 4: loss 0.168651
        step 5: loss 0.156905
        W1 after 5 steps: tensor([[ 0.2547,  0.5328],
                [-0.4447,  0.5732]], dtype=torch.float64, requires_grad=True)
        W2 after 5 steps: tensor([[-0.0620, -0.4408],
                [-0.8922,  0.4590]], dtype=torch.float64, requires_grad=True)

        """;

    [Fact]
    public void TwoLayerNetwork_prints_the_exercise_gradients_and_falling_loss() =>
        Assert.Equal(TwoLayerNetworkOutput, RunSample("TwoLayerNetwork"));

    [Fact]
    public void CustomModule_learns_xor_with_adam_as_pytorch_does()
    {
        // torch.manual_seed(0); the same module in PyTorch (parameters listed own-first, as named_parameters does).
        const string expected = """
            scale: [1]
            hidden.weight: [8, 2]
            hidden.bias: [8]
            output.weight: [1, 8]
            output.bias: [1]
            epoch 50: loss 0.5503
            epoch 100: loss 0.0407
            epoch 150: loss 0.0070
            epoch 200: loss 0.0035
            P(y = 1) for (0,0) (0,1) (1,0) (1,1): tensor([0.0042, 0.9960, 0.9975, 0.0029])
            predicted: tensor([0, 1, 1, 0])

            """;
        Assert.Equal(expected, RunSample("CustomModule"));
    }

    [Fact]
    public void TrainingLoop_halves_the_learning_rate_every_four_epochs_and_converges()
    {
        var lines = RunSample("TrainingLoop").Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(12, lines.Length);
        // StepLR(step_size=4, gamma=0.5) from lr 0.02, as PyTorch's get_last_lr() reports it before each step.
        string[] lrs = ["0.0200", "0.0200", "0.0200", "0.0200", "0.0100", "0.0100", "0.0100", "0.0100", "0.0050", "0.0050", "0.0050", "0.0050"];
        for (int i = 0; i < 12; i++)
            Assert.StartsWith($"epoch {i + 1,2}: lr {lrs[i]}  train loss ", lines[i]);
        // The data are y = 2·x1 − 3·x2 + 0.5·x3 + 1 plus noise of variance 0.01: a fitted model gets close to that.
        double validation = double.Parse(lines[^1].Split("validation loss ")[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(validation, 0, 0.05);
    }

    [Fact]
    public void SaveAndLoad_restores_the_saved_weights_into_a_fresh_model()
    {
        const string expected = """
              0.weight: Float32 [8, 4]
              0.bias: Float32 [8]
              2.weight: Float32 [2, 8]
              2.bias: Float32 [2]
            before loading, same outputs: False
            missing keys: 0, unexpected keys: 0
            after loading, same outputs: True

            """;
        var output = RunSample("SaveAndLoad");
        var firstLine = output[..output.IndexOf('\n')];
        // An 8-byte length, the JSON header, then the 58 Float32 values (232 bytes) of Linear(4, 8) and Linear(8, 2).
        var match = System.Text.RegularExpressions.Regex.Match(firstLine, @"^saved (\d+) bytes:$");
        Assert.True(match.Success, output);
        Assert.InRange(int.Parse(match.Groups[1].Value), 8 + 2 + 232, 8 + 1000 + 232);
        Assert.Equal(expected, output[(firstLine.Length + 1)..]);
    }

    [Fact]
    public void WriteYourOwnBackward_matches_autograd_and_gradcheck_catches_the_first_formulas()
    {
        // The same custom functions in PyTorch (torch.autograd.Function, Float64) print these lines and these values
        // (h = [0.5622, 0.4950] with dL/dh = [-0.0684, 0.1009], o = [0.4769, 0.5287] with dL/do = [0.2469, 0.5987]);
        // there, the wrong layer's analytical dL/dw1 is 0.014583332266596982 (the seed's first d_w1, as the lab's
        // manual-vs-autograd reports it in first_formulas) and the true one -0.00842148046150221.
        const string expected = """
            sigmoid: tensor([0.2689, 0.5000, 0.8808], dtype=torch.float64,
                   grad_fn=<MySigmoidBackward>)
            dsigmoid/dz: tensor([0.1966, 0.2500, 0.1050], dtype=torch.float64)
            GradCheck(MySigmoid): True
            loss: tensor(0.2097, dtype=torch.float64, grad_fn=<MulBackward0>)
            dL/dW1: tensor([[-0.0084, -0.0051],
                    [ 0.0126,  0.0076]], dtype=torch.float64)
            dL/dW2: tensor([[0.0346, 0.0305],
                    [0.0839, 0.0738]], dtype=torch.float64)
            built-in ops agree: True
            digraph autograd {
              node [shape=box, style=filled, fillcolor="#e8e8e8", fontname="Helvetica", fontsize=11];
              out [label="loss\n()\ndata 0.2097", fillcolor="#a6d5a6"];
              n0 [label="MulBackward0"];
              n1 [label="SumBackward0"];
              n2 [label="PowBackward0"];
              n3 [label="SubBackward0"];
              n4 [label="o = SigmoidLayerBackward\n(2)\ndata [0.4769, 0.5287]\ngrad [0.2469, 0.5987]"];
              n6 [label="h = SigmoidLayerBackward\n(2)\ndata [0.5622, 0.4950]\ngrad [-0.0684, 0.1009]"];
              n7 [label="W1\n(2, 2)\ndata [0.2000, 0.5000, -0.4000, 0.6000]\ngrad [-0.0084, -0.0051, 0.0126, 0.0076]", fillcolor="#a6c8e0"];
              n5 [label="W2\n(2, 2)\ndata [0.1000, -0.3000, -0.5000, 0.8000]\ngrad [0.0346, 0.0305, 0.0839, 0.0738]", fillcolor="#a6c8e0"];
              n0 -> out;
              n1 -> n0;
              n2 -> n1;
              n3 -> n2;
              n4 -> n3;
              n5 -> n4;
              n6 -> n4;
              n7 -> n6;
            }
            GradCheck(SigmoidLayer): True

            """;
        var output = RunSample("WriteYourOwnBackward");
        var lastStart = output.LastIndexOf("GradCheck(FirstHandedOutLayer)", StringComparison.Ordinal);
        Assert.True(lastStart > 0, output);
        Assert.Equal(expected, output[..lastStart]);
        var match = System.Text.RegularExpressions.Regex.Match(output[lastStart..],
            @"^GradCheck\(FirstHandedOutLayer\) failed: GradCheck: Jacobian mismatch for output 0 with respect to input 0, element 0 \(index \[0, 0\]\), " +
            @"output element 0: numerical (\S+), analytical (\S+)\n$");
        Assert.True(match.Success, output);
        Assert.Equal(-0.00842148046150221, double.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1e-9);
        Assert.Equal(0.014583332266596982, double.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), 1e-15);
    }

    private static string RunSample(string name)
    {
        var dll = Repository.PathOf("samples", name, "bin", Repository.Configuration, "net10.0", name + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build the solution first");
        var run = Dotnet.Run(Repository.PathOf("samples", name), TimeSpan.FromMinutes(1), dll);
        Assert.True(run.ExitCode == 0, run.Log);
        return run.Output.Replace("\r\n", "\n");
    }
}
