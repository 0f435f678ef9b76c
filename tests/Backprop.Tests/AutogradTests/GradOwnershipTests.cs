namespace Backprop.Tests.AutogradTests;

// A leaf's first Grad is its gradient itself when nothing else can hold that tensor's storage (PyTorch's AccumulateGrad
// "steals" it), and a copy otherwise. Large tensors (pooled storages, 40,000 floats here) are the ones taken; these
// tests pin that a taken gradient is never shared with another leaf, the caller or a hook, and that one is taken.
// Tests that count or measure the storage pool's work run alone: other tests allocate from it at the same time.
[CollectionDefinition("PoolBirths", DisableParallelization = true)]
public class PoolBirthsCollection;

[Collection("PoolBirths")]   // the test that counts pooled storages must not see other tests' allocations
public sealed class GradOwnershipTests : IDisposable
{
    private const int N = 40_000;

    // Small results made during backward share the newest birth number unless counted one by one: these tests count.
    public GradOwnershipTests() => Storage.CountSmallBirths = true;

    public void Dispose() => Storage.CountSmallBirths = false;

    private static Tensor Leaf(double phase) =>
        Tensor.Arange(N).To(DType.Float32).Mul(0.001).Add(phase).Sin().RequiresGrad_();

    [Fact]
    public void The_gradients_of_a_product_become_the_leaves_grads_without_copies()
    {
        var a = Leaf(0.1);
        var b = Leaf(0.7);
        var loss = a.Mul(b).Sum();
        long before = Storage.BornSoFar;
        loss.Backward();
        // MulBackward makes g·b and g·a; taking them as they are makes nothing more (copies would make two).
        Assert.Equal(2, Storage.BornSoFar - before);
        Assert.Equal(b.ToArray<float>(), a.Grad!.ToArray<float>());
        Assert.Equal(a.ToArray<float>(), b.Grad!.ToArray<float>());
    }

    [Fact]
    public void Gradients_meeting_at_a_node_are_summed_into_one_new_tensor()
    {
        // An LSTM's input projection gets one gradient per time step, here eight parts of y: the first is kept, the
        // first sum is a new tensor and the other six add into it in place (PyTorch's InputBuffer), not a new one each.
        var a = Leaf(0.3);
        var y = a.Mul(2).View(8, N / 8);
        var parts = Enumerable.Range(0, 8).Select(t => y.Select(0, t).Mul(t + 1).Sum()).ToArray();
        var loss = parts.Aggregate((p, q) => p.Add(q));
        long before = Storage.BornSoFar;
        loss.Backward();
        // Three new tensors per part's own backward (SelectBackward's zeros of y's shape among them), then one sum and
        // MulBackward's g·2, taken as a's Grad: 26 (a new sum for each part after the first made 32).
        Assert.Equal(26, Storage.BornSoFar - before);
        var grad = a.Grad!.View(8, N / 8);
        for (int t = 0; t < 8; t++) Assert.All(grad.Select(0, t).ToArray<float>(), g => Assert.Equal(2f * (t + 1), g));
    }

    [Fact]
    public void A_parts_gradient_is_zero_around_the_part_even_in_a_recycled_array()
    {
        // Narrow and Select along the first dim write only the blocks around the part and the part itself; the arrays
        // come from the pool, so fill its free lists with NaN first: any position left unwritten would show.
        for (int round = 0; round < 3; round++)
        {
            var garbage = Enumerable.Range(0, 8).Select(_ => Tensor.Full([8, N / 8], double.NaN)).ToList();
            garbage.Clear();
            GC.Collect();
            var a = Leaf(0.2);
            var y = a.View(8, N / 8);
            var loss = y.Narrow(0, 2, 3).Sum().Add(y.Select(0, 7).Mul(2).Sum()).Add(y.Narrow(0, 0, 1).Select(0, 0).Mul(3).Sum());
            loss.Backward();
            float[] expected = [3, 0, 1, 1, 1, 0, 0, 2];
            var grad = a.Grad!.View(8, N / 8);
            for (int row = 0; row < 8; row++) Assert.All(grad.Select(0, row).ToArray<float>(), g => Assert.Equal(expected[row], g));
        }
    }

    [Fact]
    public void A_linear_layers_weight_gradient_comes_out_in_the_weights_layout_and_is_taken()
    {
        // Linear multiplies by weight.T, a transposed view: its gradient is computed as (Gᵀ·x)ᵀ (PyTorch's
        // mm_mat2_backward), so the transpose's backward gives the weight a contiguous gradient to take as it is.
        var x = Tensor.Arange(8 * 300).To(DType.Float32).Mul(0.01).Sin().Reshape(8, 300);
        var weight = Tensor.Zeros(100, 300).RequiresGrad_();   // 120,000 bytes: pooled
        var bias = Tensor.Zeros(100).RequiresGrad_();
        var loss = Backprop.NN.F.Linear(x, weight, bias).Sum();
        // No copy for either leaf: the first pass (which takes the product and the bias's sum as the Grads) makes
        // exactly what a second pass makes (which adds into those Grads in place).
        long before = Storage.BornSoFar;
        loss.Backward(retainGraph: true);
        long firstPass = Storage.BornSoFar - before;
        Assert.Equal([300, 1], weight.Grad!.Strides.ToArray());
        var columnSums = x.Sum(0).ToArray<float>();
        for (int o = 0; o < 100; o += 33) Assert.Equal(columnSums, weight.Grad.Select(0, o).ToArray<float>());
        before = Storage.BornSoFar;
        loss.Backward();
        Assert.Equal(firstPass, Storage.BornSoFar - before);
    }

    [Fact]
    public void Small_gradients_made_during_the_pass_are_taken_too()
    {
        // The 2-2-2 network's weights are one-element tensors: their gradients are numbered while the pass runs and
        // taken as they are, instead of eight copies a step.
        var a = Tensor.From([0.5f]).RequiresGrad_();
        var b = Tensor.From([-2f]).RequiresGrad_();
        var loss = a.Mul(b).Sum();
        long before = Storage.BornSoFar;
        loss.Backward();
        Assert.Equal(2, Storage.BornSoFar - before);   // g·b and g·a, nothing more
        Assert.Equal([-2f], a.Grad!.ToArray<float>());
        Assert.Equal([0.5f], b.Grad!.ToArray<float>());
        Assert.NotSame(a.Grad.Storage, b.Grad.Storage);
        // Made outside a pass, a small result has no number: it could never be taken.
        before = Storage.BornSoFar;
        _ = a.Detach().Mul(3);
        Assert.Equal(before, Storage.BornSoFar);
    }

    [Fact]
    public void A_gradient_passed_to_two_leaves_is_taken_by_one_and_copied_for_the_other()
    {
        var a = Leaf(0.1);
        var b = Leaf(0.7);
        a.Add(b).Mul(a.Detach()).Sum().Backward();
        Assert.NotSame(a.Grad!.Storage, b.Grad!.Storage);
        var expected = a.Detach().ToArray<float>();
        Assert.Equal(expected, b.Grad.ToArray<float>());
        // Clipping one leaf's Grad in place must leave the other's alone.
        a.Grad.Mul_(0);
        Assert.Equal(expected, b.Grad.ToArray<float>());
    }

    [Fact]
    public void The_callers_gradient_is_copied_even_when_it_reaches_a_leaf_unchanged()
    {
        var x = Leaf(0.3);
        var gradient = Tensor.Ones(N);
        x.Reshape(200, 200).Reshape(N).Backward(gradient);
        Assert.NotSame(gradient.Storage, x.Grad!.Storage);
        gradient.Mul_(5);
        Assert.All(x.Grad.ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void A_gradient_a_hook_saw_is_copied()
    {
        var a = Leaf(0.1);
        var b = Leaf(0.7);
        Tensor? seen = null;
        using var handle = a.RegisterHook(g => { seen = g; return null; });
        a.Mul(b).Sum().Backward();
        Assert.NotSame(seen!.Storage, a.Grad!.Storage);
        seen.Mul_(0);
        Assert.Equal(b.ToArray<float>(), a.Grad.ToArray<float>());
    }

    [Fact]
    public void A_second_backward_adds_into_a_taken_grad()
    {
        var a = Leaf(0.1);
        var b = Leaf(0.7);
        a.Mul(b).Sum().Backward();
        a.Mul(b).Sum().Backward();
        Assert.Equal(b.Mul(2).ToArray<float>(), a.Grad!.ToArray<float>());
    }
}
