using Backprop.Kernels;

namespace Backprop.Tests.LinearAlgebra;

// Every GEMM path (AVX-512, AVX2+FMA, portable Vector<T>, loops) forced in turn, single- and multi-threaded,
// against a double-precision triple loop: odd sizes that straddle the micro-tile (MR×NR), the k-block and the
// row block, all four transpose combinations, padded leading dimensions. Random values, so the accumulation
// order matters: float32 within 1e-5 and float64 within 1e-12 of Σ|a||b| per element.
public class GemmPathTests
{
    // Path names rather than the internal enum: a public test method cannot take an internal type.
    // Auto adds the shortcuts it takes by shape: matrix·vector products, tiny products without packing.
    public static TheoryData<string> Paths() =>
        [nameof(GemmPath.Auto), nameof(GemmPath.Avx512), nameof(GemmPath.Avx2), nameof(GemmPath.Portable), nameof(GemmPath.Loops)];

    private static GemmPath Parse(string name) => Enum.Parse<GemmPath>(name);

    private static readonly int[][] Shapes =
    [
        [1, 1, 1], [7, 7, 7], [17, 17, 17], [33, 33, 33], [1, 33, 17], [33, 1, 17], [13, 35, 1], [12, 32, 5],
        [25, 97, 40], [97, 25, 300], [200, 70, 33],
        [40, 130, 300],   // wider than tall: split by columns across threads, two k-blocks, uneven slices
        [130, 20, 70],    // narrow: computed as its transpose, which is wide, so split by columns and written back transposed
    ];

    private static T[] Random<T>(int count, int seed) where T : System.Numerics.INumber<T>
    {
        var rng = new Random(seed);
        var v = new T[count];
        for (int i = 0; i < count; i++) v[i] = T.CreateTruncating(rng.NextDouble() * 2 - 1);
        return v;
    }

    /// <summary>Runs one product on a path and compares every element with the double-precision definition.</summary>
    private static void Check<T>(GemmPath path, int threads, int m, int n, int k, bool transA, bool transB, int pad, double tolerance)
        where T : unmanaged, System.Numerics.INumber<T>
    {
        if (!Gemm.IsSupported(path)) return;   // e.g. no AVX-512 here: the other paths still run
        int lda = (transA ? m : k) + pad, ldb = (transB ? k : n) + pad;
        var a = Random<T>(Math.Max(1, (transA ? k : m) * lda), 1 + m);
        var b = Random<T>(Math.Max(1, (transB ? n : k) * ldb), 2 + n);
        var c = new T[m * n];
        c.AsSpan().Fill(T.CreateTruncating(99));   // overwritten, never accumulated into
        Gemm.Multiply<T>(a, lda, transA, b, ldb, transB, c, m, n, k, path, threads);

        // The definition in double, i-p-j order over op(A) and op(B) laid out plainly; |A|·|B| bounds the rounding.
        var opA = new double[m * k];
        var opB = new double[k * n];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++) opA[i * k + p] = double.CreateTruncating(transA ? a[p * lda + i] : a[i * lda + p]);
        for (int p = 0; p < k; p++)
            for (int j = 0; j < n; j++) opB[p * n + j] = double.CreateTruncating(transB ? b[j * ldb + p] : b[p * ldb + j]);
        var sum = new double[n];
        var magnitude = new double[n];
        for (int i = 0; i < m; i++)
        {
            Array.Clear(sum);
            Array.Clear(magnitude);
            for (int p = 0; p < k; p++)
            {
                double x = opA[i * k + p];
                for (int j = 0; j < n; j++)
                {
                    sum[j] += x * opB[p * n + j];
                    magnitude[j] += Math.Abs(x * opB[p * n + j]);
                }
            }
            for (int j = 0; j < n; j++)
            {
                double got = double.CreateTruncating(c[i * n + j]);
                if (Math.Abs(got - sum[j]) > tolerance * Math.Max(1, magnitude[j]))
                    Assert.Fail($"{path}, {threads} threads, {m}x{n}x{k}, transA={transA}, transB={transB}, pad={pad}: C[{i}, {j}] = {got}, expected {sum[j]}");
            }
        }
    }

    private static void AllShapes<T>(GemmPath path, int threads, int pad, double tolerance) where T : unmanaged, System.Numerics.INumber<T>
    {
        foreach (var s in Shapes)
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    Check<T>(path, threads, s[0], s[1], s[2], transA, transB, pad, tolerance);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Float32_path_matches_double_reference_on_odd_shapes_and_layouts(string name)
    {
        var path = Parse(name);
        AllShapes<float>(path, 1, 0, 1e-5);
        AllShapes<float>(path, 2, 3, 1e-5);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Float64_path_matches_double_reference_on_odd_shapes_and_layouts(string name)
    {
        var path = Parse(name);
        AllShapes<double>(path, 1, 3, 1e-12);
        AllShapes<double>(path, 2, 0, 1e-12);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Size_257_crosses_every_block_boundary(string name)
    {
        var path = Parse(name);
        // 257 = one more than the k-block, and more rows than a row block: two k-blocks, several row units.
        Check<float>(path, 2, 257, 257, 257, false, false, 0, 1e-5);
        Check<double>(path, 1, 257, 257, 257, true, true, 2, 1e-12);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Narrow_product_computed_as_its_transpose_matches(string name)
    {
        // n far below the tile width: the kernel computes Cᵀ = op(B)ᵀ·op(A)ᵀ and stores it transposed.
        var path = Parse(name);
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
            {
                Check<float>(path, 2, 64, 10, 256, transA, transB, 1, 1e-5);
                Check<double>(path, 1, 70, 3, 300, transA, transB, 0, 1e-12);
            }
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Long_k_splits_columns_into_several_packed_blocks(string name)
    {
        var path = Parse(name);
        // Packed B holds all of k for a bounded number of bytes: k = 5000 leaves room for only a few hundred
        // columns per block, so n = 300 takes several column blocks.
        Check<float>(path, 2, 5, 300, 5000, false, false, 0, 1e-5);
        Check<double>(path, 2, 3, 300, 5000, true, true, 1, 1e-12);
    }

    [Theory]
    [MemberData(nameof(Paths))]
    public void Empty_dimensions_leave_or_clear_the_output(string name)
    {
        var path = Parse(name);
        if (!Gemm.IsSupported(path)) return;
        var c = new[] { 5f, 5f, 5f, 5f, 5f, 5f };
        Gemm.Multiply<float>([], 0, false, [], 3, false, c, 2, 3, 0, path, 2);   // k = 0: C = 0
        Assert.Equal(new float[6], c);
        c.AsSpan().Fill(5f);
        Gemm.Multiply<float>([], 4, false, new float[12], 3, false, c, 0, 3, 4, path, 2);   // m = 0: nothing to write
        Gemm.Multiply<float>(new float[8], 4, false, [], 0, false, c, 2, 0, 4, path, 2);    // n = 0
        Assert.Equal([5f, 5f, 5f, 5f, 5f, 5f], c);
    }

    [Fact]
    public void Large_matrix_vector_products_split_across_threads()
    {
        // Above the size where the vector path takes a second thread, in both of its orders (dot products per
        // row, scaled columns summed) and with the vector strided.
        foreach (bool transA in new[] { false, true })
            foreach (bool transB in new[] { false, true })
            {
                Check<float>(GemmPath.Auto, 2, 700, 1, 500, transA, transB, 2, 1e-5);
                Check<double>(GemmPath.Auto, 2, 1, 700, 500, transA, transB, 0, 1e-12);
            }
    }

    [Fact]
    public void Zero_leading_dimension_repeats_a_row()
    {
        // A 1×k row read with lda = 0 and a broadcast column (ldb = 0, transposed): the layouts a stride-0 view gives.
        foreach (var path in new[] { GemmPath.Auto, GemmPath.Avx512, GemmPath.Avx2, GemmPath.Portable, GemmPath.Loops })
        {
            if (!Gemm.IsSupported(path)) continue;
            float[] a = [1, 2, 3], b = [4, 5, 6];
            var c = new float[1];
            Gemm.Multiply<float>(a, 0, false, b, 0, true, c, 1, 1, 3, path, 1);
            Assert.Equal(32f, c[0]);
        }
    }

    [Fact]
    public void Operand_shorter_than_its_shape_throws()
    {
        var c = new float[4];
        var e = Assert.Throws<ArgumentException>(() => Gemm.Multiply<float>(new float[5], 3, false, new float[6], 2, false, c, 2, 2, 3));
        Assert.Contains("operand A of 2x3", e.Message);
    }

    [Fact]
    public void The_avx512_micro_kernel_is_checked_on_every_machine()
    {
        // Where the hardware has no AVX-512 the theories above skip that path; its micro-kernel is written with
        // Vector512, whose software fallback computes the same thing slowly: run it so, on a few of the odd shapes.
        bool emulated = !Gemm.IsSupported(GemmPath.Avx512);
        Gemm.EmulateAvx512ForTests = true;
        try
        {
            foreach (var s in new[] { Shapes[2], Shapes[8], Shapes[10], Shapes[11] })
                foreach (bool transA in new[] { false, true })
                {
                    Check<float>(GemmPath.Avx512, 1, s[0], s[1], s[2], transA, !transA, 3, 1e-5);
                    Check<double>(GemmPath.Avx512, 2, s[0], s[1], s[2], transA, transA, 0, 1e-12);
                }
        }
        finally
        {
            Gemm.EmulateAvx512ForTests = false;
        }
        Assert.Equal(emulated, !Gemm.IsSupported(GemmPath.Avx512));
    }

    [Fact]
    public void Unsupported_forced_path_throws_rather_than_fall_back()
    {
        if (Gemm.IsSupported(GemmPath.Avx512)) return;
        Assert.Throws<PlatformNotSupportedException>(() =>
            Gemm.Multiply<float>(new float[1], 1, false, new float[1], 1, false, new float[1], 1, 1, 1, GemmPath.Avx512, 1));
    }
}
