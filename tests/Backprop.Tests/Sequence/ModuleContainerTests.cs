using Backprop;
using Backprop.NN;

namespace Backprop.Tests.Sequence;

// ModuleList and ModuleDict: PyTorch's dotted names, order, indexing, replacement and errors.
[Collection("DefaultGenerator")]   // draws from, or seeds, the process-wide Generator.Default
public class ModuleContainerTests
{
    private sealed class Blocks : Module
    {
        public ModuleList List { get; }
        public ModuleDict Dict { get; }

        public Blocks()
        {
            List = RegisterModule("blocks", new ModuleList(new Linear(2, 3), new LayerNorm(3)));
            Dict = RegisterModule("heads", new ModuleDict([new("policy", new Linear(3, 1, bias: false)), new("value", new Linear(3, 2))]));
        }
    }

    [Fact]
    public void Containers_name_their_children_as_torch_does()
    {
        var m = new Blocks();
        Assert.Equal(["blocks.0.weight", "blocks.0.bias", "blocks.1.weight", "blocks.1.bias", "heads.policy.weight", "heads.value.weight", "heads.value.bias"],
            m.StateDict().Keys);
        m.List.Append(new Linear(3, 3));
        Assert.Equal(3, m.List.Count);
        Assert.Contains("blocks.2.weight", m.StateDict().Keys);
        Assert.IsType<LayerNorm>(m.List[-2]);
        Assert.Equal(1, m.Dict.Get<Linear>("policy").OutFeatures);
    }

    [Fact]
    public void ModuleDict_replaces_in_place_and_ModuleList_refuses_bad_indices()
    {
        var d = new ModuleDict([new("a", new Linear(1, 1)), new("b", new Linear(1, 1))]);
        d["a"] = new Linear(1, 4);
        Assert.Equal(["a", "b"], d.Keys);
        Assert.Equal(["a.weight", "a.bias", "b.weight", "b.bias"], d.StateDict().Keys);
        Assert.Equal([4, 1], d.StateDict()["a.weight"].Shape.ToArray());
        var e = Assert.Throws<KeyNotFoundException>(() => d["c"]);
        Assert.Equal("ModuleDict: no module named 'c'", e.Message);
        var list = new ModuleList(new Linear(1, 1));
        var r = Assert.Throws<ArgumentOutOfRangeException>(() => list[1]);
        Assert.StartsWith("ModuleList: index 1 is out of range for 1 modules", r.Message);
        Assert.Throws<InvalidCastException>(() => list.Get<LayerNorm>(0));
    }
}
