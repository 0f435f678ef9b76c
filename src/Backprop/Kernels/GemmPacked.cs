using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>
/// The blocked GEMM of GotoBLAS and BLIS for the floating-point types. Loops, outermost first:
/// column blocks of NC (op(B)'s block, packed whole along k, sits in L3); k-blocks of KC; row blocks of MC
/// (op(A)'s packed block, mc·kc, sits in L2); NR-column micro-panels of B (kc·NR, in L1); MR-row micro-panels
/// of A; and the micro-kernel's MR×NR tile of C held in registers across the whole k-block. Each element of C
/// is loaded and stored once per k-block, each packed element of A used NR times and of B MR times from cache.
/// Threads split the rows of C (the columns when there are too few rows), each packing its own A block; a product
/// wider than tall is instead split into column slices, one whole product per thread. A row-major A is not packed
/// but read in place, MR rows at a time (<see cref="ComputeUnit{T, TKernel}"/> says when).
/// </summary>
internal static unsafe class GemmPacked
{
    /// <summary>Largest k-block: a kc·NR panel of B (256·32 floats = 32 KiB) beside an MR·kc panel of A (8 KiB) fits L1 (48 KiB).</summary>
    private const int KC = 256;

    /// <summary>Largest row block: mc·kc of packed A (192·256 floats = 192 KiB) stays in L2 (1 MiB) with room for B's panels.</summary>
    private const int MC = 192;

    /// <summary>Bytes of packed B (all of k, up to NC columns) per column block: a share of L3.</summary>
    private const int NCBytes = 4 << 20;

    private struct Problem<T> where T : unmanaged
    {
        public T* A, B, C, PackedB;
        public int Lda, Ldb, Ldc, M, K, Kb, Jc, Cols, ColsPadded;
        public bool TransA, TransB, TransC;
    }

    /// <summary>
    /// c[i·ldc + j] (or c[j·ldc + i] when transC) = Σ_p op(A)[i, p]·op(B)[p, j] for i &lt; m, j &lt; n, p &lt; k (all ≥ 1),
    /// overwriting c; op(A)[i, p] is a[i·lda + p] or a[p·lda + i] when transA, op(B)[p, j] is b[p·ldb + j] or
    /// b[j·ldb + p] when transB.
    /// </summary>
    public static void Multiply<T, TKernel>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc, bool transC,
        int m, int n, int k, int threads)
        where T : unmanaged, INumber<T> where TKernel : struct, IGemmMicroKernel<T>
    {
        int nr = TKernel.NR;
        int slices = Math.Min(threads, n / nr);
        if (slices > 1 && m <= n)
        {
            // At least as wide as tall: each thread takes a slice of the columns and runs the whole algorithm on it,
            // packing its own columns of B and its own copy of A. Split by rows, every thread would read all of packed
            // B (k·n), half of it packed by the other core, and its share of A; split by columns, all of A (m·k, no
            // larger) and its own share of B, which stays in its own core's cache from packing to use. x·Wᵀ of
            // [64, 784]·[784, 256] (the mlp's first layer) took ~175 µs split by rows, ~103 split by columns; square
            // products on two threads ran 4–6% faster at 128–512 and 1.5% at 1024 (docs/performance.md).
            int panels = (n + nr - 1) / nr;
            GemmParallel.For(slices, slices, s =>
            {
                int j0 = s * panels / slices * nr, j1 = Math.Min(n, (s + 1) * panels / slices * nr);
                T* bSlice = b + (transB ? (nint)j0 * ldb : j0);
                T* cSlice = c + (transC ? (nint)j0 * ldc : j0);
                MultiplyBlocks<T, TKernel>(a, lda, transA, bSlice, ldb, transB, cSlice, ldc, transC, m, j1 - j0, k, threads: 1);
            });
            return;
        }
        MultiplyBlocks<T, TKernel>(a, lda, transA, b, ldb, transB, c, ldc, transC, m, n, k, threads);
    }

    private static void MultiplyBlocks<T, TKernel>(T* a, int lda, bool transA, T* b, int ldb, bool transB, T* c, int ldc, bool transC,
        int m, int n, int k, int threads)
        where T : unmanaged, INumber<T> where TKernel : struct, IGemmMicroKernel<T>
    {
        int nr = TKernel.NR;
        // Equal k-blocks (k = 300 is two of 150, not 256 + 44): the short block would waste the C loads and stores.
        int kBlocks = (k + KC - 1) / KC, kb = (k + kBlocks - 1) / kBlocks;
        int ncMax = Math.Max(nr, NCBytes / (k * sizeof(T)) / nr * nr);
        int nBlocks = (n + ncMax - 1) / ncMax, nc = RoundUp((n + nBlocks - 1) / nBlocks, nr);
        var problem = new Problem<T>
        {
            A = a, B = b, C = c, Lda = lda, Ldb = ldb, Ldc = ldc, M = m, K = k, Kb = kb, TransA = transA, TransB = transB, TransC = transC,
        };
        T[] bArray = ArrayPool<T>.Shared.Rent(k * nc + 64 / sizeof(T));
        try
        {
            fixed (T* bPinned = bArray)
            {
                problem.PackedB = Align64(bPinned);
                for (int jc = 0; jc < n; jc += nc)
                {
                    problem.Jc = jc;
                    problem.Cols = Math.Min(nc, n - jc);
                    problem.ColsPadded = RoundUp(problem.Cols, nr);
                    PackAndComputeBlock<T, TKernel>(problem, threads);
                }
            }
        }
        finally { ArrayPool<T>.Shared.Return(bArray); }
    }

    /// <summary>
    /// Packs all k-blocks of op(B)'s current column block (block q, starting at row p0, at PackedB + p0·ColsPadded),
    /// then computes that block of C in units of whole MR-row (or NR-column) panels. With several threads, both
    /// phases run in one parallel loop: the packing units come first, each thread that claims a computing unit
    /// waits until every packing unit is done, so a product wakes its helpers once, not twice, and no thread packs
    /// B alone while the others wait (at 128×128 on two threads that serial packing was ~2 µs of ~28).
    /// </summary>
    private static void PackAndComputeBlock<T, TKernel>(Problem<T> problem, int threads)
        where T : unmanaged, INumber<T> where TKernel : struct, IGemmMicroKernel<T>
    {
        int mr = TKernel.MR, nr = TKernel.NR;
        int kBlocks = (problem.K + problem.Kb - 1) / problem.Kb;
        int panelsN = problem.ColsPadded / nr;
        int halves = threads > 1 && panelsN > 1 ? 2 : 1;
        int packUnits = kBlocks * halves;
        int panelsM = (problem.M + mr - 1) / mr;
        int rowUnits = (panelsM + Math.Max(1, MC / mr) - 1) / Math.Max(1, MC / mr);
        int colUnits = 1;
        if (threads > 1)
        {
            // A multiple of the thread count, so no thread waits on a last odd unit; with too few row panels for
            // that, split the columns too (each unit then packs the same rows of A: few rows, cheap).
            rowUnits = Math.Min(panelsM, RoundUp(rowUnits, threads));
            if (rowUnits < threads) colUnits = Math.Min(panelsN, (threads + rowUnits - 1) / rowUnits);
        }
        int packed = 0;
        GemmParallel.For(packUnits + rowUnits * colUnits, threads, unit =>
        {
            if (unit < packUnits)
            {
                int q = unit / halves, half = unit % halves;
                int p0 = q * problem.Kb, kc = Math.Min(problem.Kb, problem.K - p0);
                int first = half * panelsN / halves, last = (half + 1) * panelsN / halves;
                int packCol0 = first * nr, packCols = Math.Min(problem.Cols, last * nr) - packCol0;
                try
                {
                    GemmPacking.PackB<T, TKernel>(problem.B, problem.Ldb, problem.TransB, p0, kc, problem.Jc + packCol0, packCols,
                        problem.PackedB + (nint)p0 * problem.ColsPadded + (nint)first * kc * nr);
                }
                finally { Interlocked.Increment(ref packed); }   // counted even if it failed: the error surfaces, nothing hangs
                return;
            }
            // Units are claimed in order, so every packing unit is already running on some thread: a short wait.
            if (Volatile.Read(ref packed) < packUnits)
            {
                var spin = new SpinWait();
                while (Volatile.Read(ref packed) < packUnits) spin.SpinOnce(sleep1Threshold: -1);
            }
            int r = (unit - packUnits) / colUnits, s = (unit - packUnits) % colUnits;
            int row0 = r * panelsM / rowUnits * mr, row1 = Math.Min(problem.M, (r + 1) * panelsM / rowUnits * mr);
            int col0 = s * panelsN / colUnits * nr, col1 = Math.Min(problem.Cols, (s + 1) * panelsN / colUnits * nr);
            ComputeUnit<T, TKernel>(problem, row0, row1 - row0, col0, col1 - col0);
        });
    }

    /// <summary>Rows row0..row0+rows and block columns col0..col0+cols (col0 a multiple of NR) of C, over all of k.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // the macro-kernel loops: skip the unoptimised first tier
    private static void ComputeUnit<T, TKernel>(in Problem<T> problem, int row0, int rows, int col0, int cols)
        where T : unmanaged, INumber<T> where TKernel : struct, IGemmMicroKernel<T>
    {
        int mrFull = TKernel.MR, nrFull = TKernel.NR;
        // A row-major A is read in place: the kernel broadcasts from MR rows at once, one load each, as from a packed
        // panel (packing it cost 7% of a 128×128 product). Only a last panel of fewer than MR rows is packed, padded
        // with zeros. A transposed A stays packed: in place, each step of k would touch a new cache line. So does an A
        // whose rows lie a multiple of 4 KiB apart: its MR rows then share one L1 set (1024×1024 lost 2–4% in place).
        bool inPlace = !problem.TransA && (long)problem.Lda * sizeof(T) % 4096 != 0;
        int fullRows = inPlace ? rows / mrFull * mrFull : 0;
        T[] aArray = ArrayPool<T>.Shared.Rent(RoundUp(rows - fullRows, mrFull) * problem.Kb + 64 / sizeof(T));
        T* tile = stackalloc T[mrFull * nrFull];
        try
        {
            fixed (T* aPinned = aArray)
            {
                T* packedA = Align64(aPinned);
                for (int p0 = 0; p0 < problem.K; p0 += problem.Kb)
                {
                    int kc = Math.Min(problem.Kb, problem.K - p0);
                    bool accumulate = p0 > 0;
                    if (fullRows < rows)
                        GemmPacking.PackA<T, TKernel>(problem.A, problem.Lda, problem.TransA, row0 + fullRows, rows - fullRows, p0, kc, packedA);
                    T* packedB = problem.PackedB + (nint)p0 * problem.ColsPadded;
                    for (int jr = col0; jr < col0 + cols; jr += nrFull)
                    {
                        int nr = Math.Min(nrFull, col0 + cols - jr);
                        T* bPanel = packedB + (nint)(jr / nrFull) * kc * nrFull;
                        for (int ir = 0; ir < rows; ir += mrFull)
                        {
                            int mr = Math.Min(mrFull, rows - ir);
                            int row = row0 + ir, col = problem.Jc + jr;
                            bool fromA = ir < fullRows;
                            T* aPanel = fromA ? problem.A + (nint)row * problem.Lda + p0 : packedA + (nint)(ir - fullRows) * kc;
                            nint aRow = fromA ? problem.Lda : 1, aStep = fromA ? 1 : mrFull;
                            if (mr == mrFull && nr == nrFull && !problem.TransC)
                                TKernel.Run(kc, aPanel, aRow, aStep, bPanel, problem.C + (nint)row * problem.Ldc + col, problem.Ldc, accumulate);
                            else
                            {
                                // An edge tile, or C stored transposed: compute the full tile aside, then keep the
                                // part inside C, where C's layout puts it.
                                TKernel.Run(kc, aPanel, aRow, aStep, bPanel, tile, nrFull, false);
                                nint rowStride = problem.TransC ? 1 : problem.Ldc, colStride = problem.TransC ? problem.Ldc : 1;
                                T* corner = problem.C + row * rowStride + col * colStride;
                                for (int i = 0; i < mr; i++)
                                    for (int j = 0; j < nr; j++)
                                    {
                                        T* target = corner + i * rowStride + j * colStride;
                                        *target = accumulate ? *target + tile[i * nrFull + j] : tile[i * nrFull + j];
                                    }
                            }
                        }
                    }
                }
            }
        }
        finally { ArrayPool<T>.Shared.Return(aArray); }
    }

    private static int RoundUp(int x, int multiple) => (x + multiple - 1) / multiple * multiple;

    private static T* Align64<T>(T* p) where T : unmanaged => (T*)(((nint)p + 63) & ~(nint)63);
}
