using System.Diagnostics;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Kernels;

/// <summary>Which GEMM implementation runs: the best the hardware offers, or one forced (tests compare them all).</summary>
internal enum GemmPath
{
    /// <summary>The fastest supported path for the element type and the size of the product.</summary>
    Auto,
    /// <summary>The i-k-j loop kernel (any numeric type; Int64 always takes it).</summary>
    Loops,
    /// <summary>Packed, blocked kernel with a Vector&lt;T&gt; micro-kernel.</summary>
    Portable,
    /// <summary>Packed, blocked kernel with a Vector256 + FMA micro-kernel.</summary>
    Avx2,
    /// <summary>Packed, blocked kernel with a Vector512 (AVX-512F) micro-kernel.</summary>
    Avx512,
}

/// <summary>
/// General matrix multiply C = op(A)·op(B) on row-major data, op(X) = X or Xᵀ. Transposed and strided operands
/// are read in place (the packing absorbs their layout), so a transposed view (strides (1, ld)) needs no copy.
/// Float32 and Float64 run the packed, cache-blocked, register-tiled kernels of <see cref="GemmPacked"/>;
/// other types the loop kernel of <see cref="GemmLoops"/>.
/// </summary>
internal static class Gemm
{
    /// <summary>
    /// c[i·n + j] = Σ_p A[i, p]·B[p, j] for i &lt; m, j &lt; n, p &lt; k, overwriting c.
    /// A[i, p] is a[i·lda + p], or a[p·lda + i] when transA; B[p, j] is b[p·ldb + j], or b[j·ldb + p] when transB.
    /// Leading dimensions may be any non-negative number (0 repeats a row), since operands are only read.
    /// </summary>
    public static void Multiply<T>(ReadOnlySpan<T> a, int lda, bool transA, ReadOnlySpan<T> b, int ldb, bool transB,
        Span<T> c, int m, int n, int k) where T : unmanaged, INumber<T> =>
        Multiply(a, lda, transA, b, ldb, transB, c, m, n, k, GemmPath.Auto, Environment.ProcessorCount);

    /// <summary>Multiply-adds up to which the direct loop of <see cref="GemmSmall"/> beats packing (they tie at 8×8×8 here).</summary>
    private const long SmallMax = 512;

    /// <summary>The best path this machine supports.</summary>
    public static GemmPath BestPath { get; } =
        Vector512.IsHardwareAccelerated && Avx512F.IsSupported ? GemmPath.Avx512
        : Vector256.IsHardwareAccelerated && Fma.IsSupported ? GemmPath.Avx2
        : GemmPath.Portable;

    /// <summary>
    /// Tests only: lets a forced AVX-512 path run where the hardware lacks it, on Vector512's software fallback (the
    /// same arithmetic, element by element), so that its micro-kernel is checked on every machine. Never read by the
    /// automatic choice (<see cref="BestPath"/>).
    /// </summary>
    internal static bool EmulateAvx512ForTests;

    /// <summary>Whether a path can run here (a forced path that cannot throws).</summary>
    public static bool IsSupported(GemmPath path) => path switch
    {
        GemmPath.Avx512 => Avx512F.IsSupported || EmulateAvx512ForTests,
        GemmPath.Avx2 => Avx2.IsSupported && Fma.IsSupported,
        _ => true,
    };

    /// <summary>As <see cref="Multiply{T}(ReadOnlySpan{T}, int, bool, ReadOnlySpan{T}, int, bool, Span{T}, int, int, int)"/>, on a chosen path and at most maxThreads threads.</summary>
    public static unsafe void Multiply<T>(ReadOnlySpan<T> a, int lda, bool transA, ReadOnlySpan<T> b, int ldb, bool transB,
        Span<T> c, int m, int n, int k, GemmPath path, int maxThreads) where T : unmanaged, INumber<T>
    {
        if (m == 0 || n == 0) return;
        c = c[..(m * n)];
        if (k == 0) { c.Clear(); return; }
        CheckExtent("A", a.Length, transA ? k : m, transA ? m : k, lda);
        CheckExtent("B", b.Length, transB ? n : k, transB ? k : n, ldb);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double)) path = GemmPath.Loops;
        if (!IsSupported(path)) throw new PlatformNotSupportedException($"Gemm: the {path} path is not supported on this machine");
        if (path == GemmPath.Loops)
        {
            GemmLoops.Multiply(a, lda, transA, b, ldb, transB, c, m, n, k);
            return;
        }
        // Strides of op(A) and op(B) along their rows and columns.
        nint aRow = transA ? 1 : lda, aCol = transA ? lda : 1, bRow = transB ? 1 : ldb, bCol = transB ? ldb : 1;
        int threads = Math.Max(1, maxThreads);
        fixed (T* pa = a, pb = b, pc = c)
        {
            if (path == GemmPath.Auto)
            {
                if (n == 1)
                {
                    GemmVector.Multiply(pa, aRow, aCol, m, k, pb, bRow, pc, threads);   // C = op(A)·b
                    return;
                }
                if (m == 1)
                {
                    GemmVector.Multiply(pb, bCol, bRow, n, k, pa, aCol, pc, threads);   // Cᵀ = op(B)ᵀ·aᵀ
                    return;
                }
                long work = (long)m * n * k;
                if (work <= SmallMax)
                {
                    GemmSmall.Multiply(pa, aRow, aCol, pb, bRow, bCol, pc, m, n, k);
                    return;
                }
                threads = GemmThreadPolicy.Choose(work, threads, out int measuredClass, GemmThreadPolicy.ShapeKey(m, n, k, transA, transB));
                path = BestPath;
                if (measuredClass >= 0)
                {
                    long start = Stopwatch.GetTimestamp();
                    Floating(pa, lda, transA, pb, ldb, transB, pc, m, n, k, path, threads);
                    GemmThreadPolicy.Record(measuredClass, threads, Stopwatch.GetTimestamp() - start);
                    return;
                }
            }
            Floating(pa, lda, transA, pb, ldb, transB, pc, m, n, k, path, threads);
        }
    }

    /// <summary>The packed kernels, instantiated for the two floating-point types only.</summary>
    private static unsafe void Floating<T>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int m, int n, int k,
        GemmPath path, int threads) where T : unmanaged, INumber<T>
    {
        if (typeof(T) == typeof(float))
            Packed((float*)a, lda, transA, (float*)b, ldb, transB, (float*)c, m, n, k, path, threads);
        else
            Packed((double*)a, lda, transA, (double*)b, ldb, transB, (double*)c, m, n, k, path, threads);
    }

    private static unsafe void Packed<T>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int m, int n, int k,
        GemmPath path, int threads) where T : unmanaged, INumber<T>
    {
        switch (path)
        {
            case GemmPath.Avx512:
                Packed<T, Avx512Kernel8x2<T>>(a, lda, transA, b, ldb, transB, c, m, n, k, threads);
                break;
            case GemmPath.Avx2:
                Packed<T, Avx2Kernel6x2<T>>(a, lda, transA, b, ldb, transB, c, m, n, k, threads);
                break;
            default:
                Packed<T, PortableKernel4x2<T>>(a, lda, transA, b, ldb, transB, c, m, n, k, threads);
                break;
        }
    }

    private static unsafe void Packed<T, TKernel>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int m, int n, int k,
        int threads) where T : unmanaged, INumber<T> where TKernel : struct, IGemmMicroKernel<T>
    {
        // A narrow C (n well under NR) fills few columns of each MR×NR tile; its transpose Cᵀ = op(B)ᵀ·op(A)ᵀ may
        // fill the tiles far better (64×10: 28% of each 12×32 tile, its transpose 83%). Swapping the operands is
        // free — the packing reads either layout — and Cᵀ is written back transposed through the tile buffer.
        if (TileUse(n, m, TKernel.MR, TKernel.NR) > 1.25 * TileUse(m, n, TKernel.MR, TKernel.NR))
            GemmPacked.Multiply<T, TKernel>(b, ldb, !transB, a, lda, !transA, c, n, true, n, m, k, threads);
        else
            GemmPacked.Multiply<T, TKernel>(a, lda, transA, b, ldb, transB, c, n, false, m, n, k, threads);
    }

    /// <summary>The share of the computed MR×NR tiles that lands inside an m×n C.</summary>
    private static double TileUse(int m, int n, int mr, int nr) =>
        (double)m * n / ((double)((m + mr - 1) / mr * mr) * ((n + nr - 1) / nr * nr));

    /// <summary>The kernels read through raw pointers: an operand too short for its shape must fail here, not read past its end.</summary>
    private static void CheckExtent(string name, int length, int rows, int cols, int ld)
    {
        if (ld < 0 || (long)(rows - 1) * ld + cols > length)
            throw new ArgumentException(
                $"Gemm: operand {name} of {rows}x{cols} with leading dimension {ld} needs {(long)(rows - 1) * ld + cols} elements, but has {length}");
    }
}
