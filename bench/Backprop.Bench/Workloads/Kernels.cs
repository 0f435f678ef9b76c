namespace Backprop.Bench;

// Throughput of single big kernels: the matrix multiply, and a memory-bound elementwise chain with its backward.
public static partial class Workloads
{
    /// <summary>reps multiplies of two n×n float32 matrices of U(0,1) values; like torch.mm(a, b).</summary>
    public static Func<double?> Gemm(int n, int reps)
    {
        Tensor a = Tensor.Rand(n, n), b = Tensor.Rand(n, n);

        return () =>
        {
            for (int i = 0; i < reps; i++) a.Mm(b);
            return null;
        };
    }

    /// <summary>Forward and backward of sigmoid(a·b + c) over n float32 elements, summed; the gradients reset each run.</summary>
    public static Func<double?> Elementwise(int n)
    {
        Tensor a = Tensor.Rand(n).RequiresGrad_(), b = Tensor.Rand(n).RequiresGrad_(), c = Tensor.Rand(n).RequiresGrad_();

        return () =>
        {
            foreach (var t in (Tensor[])[a, b, c]) t.Grad = null;
            var s = (a * b + c).Sigmoid().Sum();
            s.Backward();
            return null;
        };
    }
}
