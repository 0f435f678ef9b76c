using Backprop;

namespace Backprop.Tests.AutogradTests;

public class GraphExportTests
{
    [Fact]
    public void The_seed_002_graph_has_one_box_per_op_and_one_per_leaf()
    {
        // J(a, b, c) = 3(a + bc), as seed 002 draws it
        var a = Tensor.From(1.0).RequiresGrad_();
        var b = Tensor.From(2.0).RequiresGrad_();
        var c = Tensor.From(3.0).RequiresGrad_();
        var j = 3 * (a + b * c);
        string dot = Autograd.ToDot(j, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = c, ["J"] = j });

        Assert.StartsWith("digraph autograd {", dot);
        Assert.Contains("out [label=\"J\\n()\"", dot);
        Assert.Contains("[label=\"a\\n()\", fillcolor=\"#a6c8e0\"]", dot);
        Assert.Contains("[label=\"b\\n()\"", dot);
        Assert.Contains("[label=\"c\\n()\"", dot);
        Assert.Equal(2, CountOf(dot, "label=\"MulBackward0\""));   // b·c and 3·(…)
        Assert.Equal(1, CountOf(dot, "label=\"AddBackward0\""));
        Assert.Equal(6, CountOf(dot, " -> "));                      // 3·(…)→out, add→mul, a→add, mul→add, b→mul, c→mul
        Assert.EndsWith("}\n", dot.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_shared_leaf_appears_once_with_two_edges()
    {
        var x = Tensor.From(new[] { 1.0, 2.0 }).RequiresGrad_();
        var y = (x * x).Sum();
        string dot = Autograd.ToDot(y);
        Assert.Equal(1, CountOf(dot, "fillcolor=\"#a6c8e0\""));
        Assert.Contains("[label=\"(2)\"", dot);
        Assert.Contains("out [label=\"()\"", dot);
        Assert.Equal(4, CountOf(dot, " -> "));   // sum→out, mul→sum, x→mul twice
    }

    [Fact]
    public void A_tensor_outside_the_graph_is_a_single_box()
    {
        string dot = Autograd.ToDot(Tensor.Zeros(2, 3));
        Assert.Contains("out [label=\"(2, 3)\"", dot);
        Assert.DoesNotContain(" -> ", dot);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + part.Length, StringComparison.Ordinal)) count++;
        return count;
    }
}
