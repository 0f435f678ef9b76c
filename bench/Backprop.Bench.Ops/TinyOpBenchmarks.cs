using BenchmarkDotNet.Attributes;

namespace Backprop.Bench.Ops;

/// <summary>
/// The per-op overhead on 1-element float32 tensors, where the arithmetic is nothing and everything measured is
/// dispatch, shape work, allocation and graph recording: what the seed_2x2, seed_3x3_adam and linreg workloads pay.
/// </summary>
[MemoryDiagnoser]
public class TinyOpBenchmarks
{
    private Tensor _a = null!, _b = null!, _ga = null!, _gb = null!, _leaf = null!, _w = null!, _step = null!;

    /// <summary>Two plain operands, two that require grad, a leaf for the chain, a parameter and its update.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _a = Tensor.From([0.5f]);
        _b = Tensor.From([0.3f]);
        _ga = Tensor.From([0.5f]).RequiresGrad_();
        _gb = Tensor.From([0.3f]).RequiresGrad_();
        _leaf = Tensor.From([0.2f]).RequiresGrad_();
        _w = Tensor.From([0.2f]);
        _step = Tensor.From([0f]);   // subtracting zero keeps _w's value fixed however many times it runs
    }

    /// <summary>a + b with no graph: the floor of a binary op.</summary>
    [Benchmark(Baseline = true)]
    public Tensor Add() => _a + _b;

    /// <summary>a · b with no graph.</summary>
    [Benchmark]
    public Tensor Mul() => _a * _b;

    /// <summary>sigmoid(a) with no graph.</summary>
    [Benchmark]
    public Tensor Sigmoid() => _a.Sigmoid();

    /// <summary>a + b with both requiring grad: the op plus its graph node.</summary>
    [Benchmark]
    public Tensor AddRequiresGrad() => _ga + _gb;

    /// <summary>a · b with both requiring grad: the node saves both operands.</summary>
    [Benchmark]
    public Tensor MulRequiresGrad() => _ga * _gb;

    /// <summary>sigmoid(a) requiring grad: the node saves the output.</summary>
    [Benchmark]
    public Tensor SigmoidRequiresGrad() => _ga.Sigmoid();

    /// <summary>Ten ops on one leaf, then Backward: forward recording, the engine's walk and the leaf's accumulation.</summary>
    [Benchmark]
    public Tensor Backward10OpChain()
    {
        _leaf.Grad = null;
        var x = _leaf;
        for (int i = 0; i < 5; i++) x = (x * _b).Sigmoid();
        x.Backward();
        return _leaf.Grad!;
    }

    /// <summary>Entering and leaving Autograd.NoGrad(): what every manual update loop pays once per step.</summary>
    [Benchmark]
    public bool NoGradScope()
    {
        using (Autograd.NoGrad()) return Autograd.IsGradEnabled;
    }

    /// <summary>w.Sub_(g) in place under NoGrad: the manual SGD update of the seeds.</summary>
    [Benchmark]
    public Tensor SubInPlace()
    {
        using (Autograd.NoGrad()) return _w.Sub_(_step);
    }
}
