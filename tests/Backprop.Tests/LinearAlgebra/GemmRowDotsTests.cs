using System.Numerics;
using Backprop.Kernels;

namespace Backprop.Tests.LinearAlgebra;

// C (+)= A·Bᵀ by dot products of rows against the definition, on sizes around the 4×4 blocks and the vector width
// (exact: small integers), with padded leading dimensions and both element types. Only where the kernel runs.
public class GemmRowDotsTests
{
    public static TheoryData<int, int, int> Sizes => new()
    {
        { 4, 4, 16 }, { 1, 1, 1 }, { 3, 5, 7 }, { 16, 25, 784 }, { 32, 400, 196 }, { 9, 6, 17 }, { 5, 13, 33 }, { 8, 4, 8 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Row_dot_products_match_the_definition(int m, int n, int k)
    {
        if (!GemmRowDots.IsSupported<float>()) return;   // no AVX-512 here: the convolution takes the GEMM instead
        Check<float>(m, n, k);
        Check<double>(m, n, k);
    }

    private static unsafe void Check<T>(int m, int n, int k) where T : unmanaged, INumber<T>
    {
        int lda = k + 3, ldb = k + 1, ldc = n + 2;
        var a = new T[m * lda];
        var b = new T[n * ldb];
        for (int i = 0; i < a.Length; i++) a[i] = T.CreateTruncating((i * 37 + 11) % 19 - 9);
        for (int i = 0; i < b.Length; i++) b[i] = T.CreateTruncating((i * 29 + 5) % 17 - 8);
        var expected = new T[m * ldc];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                T sum = T.Zero;
                for (int p = 0; p < k; p++) sum += a[i * lda + p] * b[j * ldb + p];
                expected[i * ldc + j] = sum;
            }
        var c = new T[m * ldc];
        c.AsSpan().Fill(T.CreateTruncating(99));
        fixed (T* pa = a, pb = b, pc = c)
        {
            GemmRowDots.Multiply(pa, lda, pb, ldb, pc, ldc, m, n, k, accumulate: false);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) Assert.Equal(expected[i * ldc + j], c[i * ldc + j]);
            // Accumulating adds the product onto what C holds; elements between rows (the padding) stay untouched.
            GemmRowDots.Multiply(pa, lda, pb, ldb, pc, ldc, m, n, k, accumulate: true);
        }
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++) Assert.Equal(expected[i * ldc + j] + expected[i * ldc + j], c[i * ldc + j]);
            for (int j = n; j < ldc; j++) Assert.Equal(T.CreateTruncating(99), c[i * ldc + j]);
        }
    }
}
