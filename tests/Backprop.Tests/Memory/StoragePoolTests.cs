using System.Runtime.CompilerServices;

namespace Backprop.Tests.Memory;

// The pool recycles the arrays of large tensors (StoragePool). These tests pin what users can observe: a recycled array
// never leaks old values into a tensor that promises zeros, and results computed into recycled arrays are right.
// Sizes are chosen per test so that concurrently running tests do not compete for the same free arrays.
public class StoragePoolTests
{
    [Fact]
    public void Large_and_mid_size_storage_is_pooled_small_storage_is_not()
    {
        Assert.IsType<PooledStorage<float>>(Tensor.Zeros(32_000).Storage);
        Assert.IsType<PooledStorage<float>>(Tensor.Zeros(128, 128).Storage);   // 64 KB: a mid-size product
        Assert.IsNotType<PooledStorage<float>>(Tensor.Zeros(1_000).Storage);
        Assert.True(StoragePool.IsPooled<float>(4_096));      // 16 KiB
        Assert.False(StoragePool.IsPooled<float>(4_095));
        Assert.True(StoragePool.IsPooled<double>(2_048));
        Assert.True(StoragePool.IsLarge<float>(21_250));     // 85,000 bytes: the large object heap's threshold
        Assert.False(StoragePool.IsLarge<float>(21_249));
        Assert.True(StoragePool.IsLarge<double>(10_625));
    }

    [Fact]
    public void Array_of_a_dead_tensor_is_reused_by_the_next_tensor_of_that_length()
    {
        const int n = 40_123;
        var first = FilledAndDropped(n, 7f);
        CollectDeadStorages();
        var reused = Tensor.Ones(n);
        // Ones overwrites every element; the array it got back is the dead tensor's.
        Assert.Same(first.Target, ((Storage<float>)reused.Storage).Data);
        Assert.All(reused.ToArray<float>(), v => Assert.Equal(1f, v));
    }

    [Fact]
    public void Zeros_from_a_recycled_array_are_zeros()
    {
        const int n = 40_321;
        var first = FilledAndDropped(n, 7f);
        CollectDeadStorages();
        var zeros = Tensor.Zeros(n);
        Assert.Same(first.Target, ((Storage<float>)zeros.Storage).Data);
        Assert.All(zeros.ToArray<float>(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void A_full_collection_takes_back_the_array_of_a_dead_tensor_before_any_request()
    {
        const int n = 40_567;
        Assert.Equal(0, StoragePool.FreeCount<float>(n));
        var first = FilledAndDropped(n, 7f);
        // The pool's watch runs after the collection, on the finalizer thread: a program that stops making large
        // tensors does not keep the arrays of its dead ones on loan for ever.
        CollectDeadStorages();
        Assert.Equal(1, StoragePool.FreeCount<float>(n));
        Assert.Same(first.Target, ((Storage<float>)Tensor.Ones(n).Storage).Data);
        Assert.Equal(0, StoragePool.FreeCount<float>(n));
    }

    [Fact]
    public void Ops_into_recycled_arrays_give_the_same_values_as_into_fresh_ones()
    {
        const int n = 50_000;
        var a = Tensor.Arange(n).To(DType.Float32);
        var expected = a.Mul(2).Add(1).Sigmoid().ToArray<float>();
        for (int round = 0; round < 3; round++)
        {
            CollectDeadStorages();
            Assert.Equal(expected, a.Mul(2).Add(1).Sigmoid().ToArray<float>());
        }
    }

    // The filling tensor lives only inside this method, so that the caller's collection finds it dead.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static WeakReference FilledAndDropped(int n, float value)
    {
        var t = Tensor.Full([n], value);
        // The pool holds the array: it outlives its dead storage.
        return new WeakReference(((Storage<float>)t.Storage).Data);
    }

    internal static void CollectDeadStorages()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }
}

// Measures the pool's own collections and trims, so it runs alone (other tests' live tensors and collections would change
// what the pool learns) and from the pool's start-up state.
[Collection("PoolBirths")]
public class StoragePoolPolicyTests
{
    [Fact]
    public void A_loop_that_drops_its_large_results_recycles_them_without_being_told()
    {
        // No explicit collection: the pool's own find the dropped results. Each step here takes longer than a few
        // collections (the pool collects at most a third of the time), so one or two arrays serve the whole loop;
        // without the pool's collections there would be one per step until the runtime collected.
        StoragePool.ResetPolicy();
        const int n = 50_123;
        var arrays = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < 100; i++)
        {
            arrays.Add(((Storage<float>)Tensor.Ones(n).Storage).Data);
            Thread.Sleep(3);   // the rest of a training step
        }
        Assert.True(arrays.Count <= 10, $"{arrays.Count} distinct arrays for 100 tensors");
    }

    [Fact]
    public void A_loop_of_mid_size_products_recycles_their_results()
    {
        // 128×128 float results are 64 KB, below the large object heap: without the pool each product took a fresh
        // gen-0 array (1,000 distinct arrays here, and fresh pages while generation 0 grew). The pool lends them and
        // collects at most once per MidSizeBytesPerCollection lent (64 of these), so the loop cycles through a few
        // collections' worth of arrays.
        StoragePool.ResetPolicy();
        var a = Tensor.Rand(128, 128);
        var b = Tensor.Rand(128, 128);
        var arrays = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < 1000; i++) arrays.Add(((Storage<float>)a.Mm(b).Storage).Data);
        int perCollection = (int)(StoragePool.MidSizeBytesPerCollection / (128 * 128 * sizeof(float)));
        Assert.True(arrays.Count <= 4 * perCollection, $"{arrays.Count} distinct arrays for 1,000 products");
    }

    [Fact]
    public void Free_arrays_that_no_request_takes_through_a_trim_window_are_dropped()
    {
        // Five tensors of one length alive at once (a burst), then a loop that needs one at a time: the pool keeps the
        // one the loop uses and drops the four that sat idle through a whole window (bench/Backprop.Soak: RSS grew
        // +41% over 30,000 steps of a DataLoader loop while such arrays piled up; flat with the trim).
        const int n = 40_777;
        StoragePool.TrimNow();   // the window starts here: the collections below are 4 of the 16 that end one
        DropFive(n);
        StoragePoolTests.CollectDeadStorages();
        Assert.Equal(5, StoragePool.FreeCount<float>(n));
        StoragePool.TrimNow();   // ends the window in which the five came back: none was measured idle yet
        Assert.Equal(5, StoragePool.FreeCount<float>(n));
        for (int step = 0; step < 3; step++)
        {
            UseOne(n);
            StoragePoolTests.CollectDeadStorages();
        }
        StoragePool.TrimNow();
        Assert.Equal(1, StoragePool.FreeCount<float>(n));
        long idle = StoragePool.IdleBytes;
        Assert.True(idle >= n * sizeof(float), $"{idle} idle bytes");
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void DropFive(int n)
    {
        var alive = Enumerable.Range(0, 5).Select(_ => Tensor.Ones(n)).ToList();
        Assert.Equal(5, alive.Select(t => ((Storage<float>)t.Storage).Data).Distinct().Count());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void UseOne(int n) => Assert.Equal(1f, Tensor.Ones(n).Sum().Item<float>() / n);

}
