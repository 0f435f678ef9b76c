using BenchmarkDotNet.Attributes;

namespace Backprop.Bench.Ops;

/// <summary>
/// Ops on tensors big enough that the kernel, not the overhead, is the cost: elementwise and reductions over 1M floats
/// (memory-bound), a row softmax of a classifier's logits, and the MLP's first-layer product.
/// </summary>
[MemoryDiagnoser]
public class MediumOpBenchmarks
{
    private Tensor _x = null!, _y = null!, _logits = null!, _batch = null!, _weight = null!;

    /// <summary>Random operands, drawn once with a fixed seed.</summary>
    [GlobalSetup]
    public void Setup()
    {
        Tensor.ManualSeed(0);
        _x = Tensor.Rand(1 << 20);
        _y = Tensor.Rand(1 << 20);
        _logits = Tensor.Randn(64, 10);
        _batch = Tensor.Rand(64, 784);
        _weight = Tensor.Rand(784, 256);
    }

    /// <summary>x + y over 1M floats: read two, write one.</summary>
    [Benchmark]
    public Tensor Add1M() => _x + _y;

    /// <summary>sigmoid(x) over 1M floats.</summary>
    [Benchmark]
    public Tensor Sigmoid1M() => _x.Sigmoid();

    /// <summary>The sum of 1M floats to one.</summary>
    [Benchmark]
    public Tensor Sum1M() => _x.Sum();

    /// <summary>softmax over dim 1 of 64×10 logits.</summary>
    [Benchmark]
    public Tensor Softmax64x10() => _logits.Softmax(1);

    /// <summary>[64, 784] @ [784, 256]: the MLP's first Linear.</summary>
    [Benchmark]
    public Tensor MatMul64x784x256() => _batch.MatMul(_weight);
}
