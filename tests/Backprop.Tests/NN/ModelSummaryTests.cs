using Backprop;
using Backprop.NN;

namespace Backprop.Tests.NN;

/// <summary>ModelSummary on nested models: the tree drawn by depth, shapes from forward hooks, counts as torch counts them.</summary>
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class ModelSummaryTests
{
    private sealed class Direct : Module<Tensor, Tensor>
    {
        private readonly Linear _inner;

        public Direct() => _inner = RegisterModule("inner", new Linear(4, 4));

        // Calls Forward, not Call: like calling .forward in PyTorch, no hook sees the child.
        public override Tensor Forward(Tensor input) => _inner.Forward(input);
    }

    [Fact]
    public void Nested_modules_are_indented_and_numbered_within_their_parent()
    {
        var model = new Sequential(new Sequential(new Linear(3, 4), new ReLU()), new Direct(), new Linear(4, 2, bias: false));
        var summary = ModelSummary.Create(model, [5, 3]);
        var lines = summary.ToString().Split('\n');
        Assert.Equal("Sequential                              [5, 2]                   --                       --", lines[3]);
        Assert.Equal("├─Sequential: 1-1                       [5, 4]                   --                       --", lines[4]);
        Assert.Equal("│    └─Linear: 2-1                      [5, 4]                   16                       True", lines[5]);
        Assert.Equal("│    └─ReLU: 2-2                        [5, 4]                   --                       --", lines[6]);
        Assert.Equal("├─Direct: 1-2                           [5, 4]                   --                       --", lines[7]);
        Assert.Equal("│    └─Linear: 2-1                      --                       20                       True", lines[8]);
        Assert.Equal("├─Linear: 1-3                           [5, 2]                   8                        True", lines[9]);
        // torch: sum(p.numel() for p in model.parameters()) = (3·4 + 4) + (4·4 + 4) + 4·2 = 44.
        Assert.Equal(44, summary.TotalParams);
        Assert.Equal(44, summary.TrainableParams);
        Assert.Equal(0, summary.NonTrainableParams);
        Assert.Equal("1.inner", summary.Rows[5].Name);
        Assert.Null(summary.Rows[5].OutputShape);
        Assert.Equal(60, summary.InputBytes);
        Assert.Equal(44 * 4, summary.ParamBytes);
    }

    [Fact]
    public void The_summary_runs_the_model_under_no_grad_in_its_own_mode()
    {
        var linear = new Linear(3, 2);
        var model = new Sequential(linear, new Dropout(0.5));
        model.Eval();
        Tensor? seen = null;
        using (linear.RegisterForwardHook((_, _, output) => { seen = (Tensor)output!; return null; }))
            ModelSummary.Create(model, [1, 3]);
        Assert.False(seen!.RequiresGrad);
        Assert.False(model.Training);
        Assert.Null(linear.Weight.Grad);
    }
}
