using Backprop.Kernels;

namespace Backprop.Tests.LinearAlgebra;

// The GEMM kernel against a naive triple loop, on odd sizes that straddle the vector width and the
// cache blocks, for all four transpose combinations, padded leading dimensions and every element type.
public class GemmKernelTests
{
    private static T[] Values<T>(int n, int seed) where T : System.Numerics.INumber<T>
    {
        var v = new T[n];
        for (int i = 0; i < n; i++) v[i] = T.CreateTruncating((i * 37 + seed * 11) % 19 - 9);
        return v;
    }

    /// <summary>C = op(A)·op(B), the definition, with A[i,p] and B[p,j] read as the kernel documents.</summary>
    private static T[] Naive<T>(T[] a, int lda, bool transA, T[] b, int ldb, bool transB, int m, int n, int k) where T : System.Numerics.INumber<T>
    {
        var c = new T[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++)
                    sum += (transA ? a[p * lda + i] : a[i * lda + p]) * (transB ? b[j * ldb + p] : b[p * ldb + j]);
                c[i * n + j] = sum;
            }
        return c;
    }

    private static void Check<T>(int m, int n, int k, bool transA, bool transB, int pad) where T : unmanaged, System.Numerics.INumber<T>
    {
        int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad;
        var a = Values<T>((transA ? k : m) * lda, 1);
        var b = Values<T>((transB ? n : k) * ldb, 2);
        var c = new T[m * n];
        c.AsSpan().Fill(T.CreateTruncating(99));   // the kernel must overwrite, not accumulate
        Gemm.Multiply<T>(a, lda, transA, b, ldb, transB, c, m, n, k);
        Assert.Equal(Naive(a, lda, transA, b, ldb, transB, m, n, k), c);
    }

    public static IEnumerable<object[]> Sizes()
    {
        int[][] shapes = [[1, 1, 1], [7, 7, 7], [17, 5, 33], [5, 17, 33], [9, 2, 3], [33, 65, 17], [65, 1, 7], [1, 65, 33], [5, 3, 1], [3, 600, 130], [130, 9, 260]];
        foreach (var s in shapes)
            foreach (var ta in new[] { false, true })
                foreach (var tb in new[] { false, true })
                    yield return [s[0], s[1], s[2], ta, tb];
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Float64_kernel_matches_naive_loop(int m, int n, int k, bool transA, bool transB) => Check<double>(m, n, k, transA, transB, 0);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Float32_kernel_with_padded_leading_dimensions_matches_naive_loop(int m, int n, int k, bool transA, bool transB) =>
        Check<float>(m, n, k, transA, transB, 3);   // small integers: every partial sum is exact, so any order agrees

    [Theory]
    [InlineData(7, 17, 33, false, false)]
    [InlineData(33, 7, 65, true, true)]
    [InlineData(65, 1, 17, true, false)]
    public void Int64_kernel_matches_naive_loop(int m, int n, int k, bool transA, bool transB) => Check<long>(m, n, k, transA, transB, 1);

    [Fact]
    public void Large_product_split_across_threads_matches_naive_loop()
    {
        Check<double>(150, 130, 140, false, false, 0);   // 2.7e6 multiply-adds: split across threads
        Check<double>(150, 130, 140, true, true, 1);
    }

    [Fact]
    public void Zero_inner_dimension_clears_the_output()
    {
        var c = new[] { 5.0, 5.0, 5.0, 5.0 };
        Gemm.Multiply<double>([], 0, false, [], 2, false, c, 2, 2, 0);
        Assert.Equal(new double[4], c);
    }
}
