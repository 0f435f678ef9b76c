using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// A register-tiled GEMM micro-kernel: an MR×NR tile of C from a packed MR-row panel of A and a packed NR-column
/// panel of B. Static abstract members on a struct make the driver, specialised per kernel by the JIT, call it
/// directly with MR and NR as constants: no virtual call, no delegate.
/// </summary>
internal unsafe interface IGemmMicroKernel<T> where T : unmanaged, INumber<T>
{
    /// <summary>Rows of the C tile: one broadcast element of A per row and step of k.</summary>
    static abstract int MR { get; }

    /// <summary>Columns of the C tile: a whole number of vectors, loaded from B once per step of k.</summary>
    static abstract int NR { get; }

    /// <summary>
    /// c[i·ldc + j] = Σ_p a[i·aRow + p·aStep]·b[p·NR + j] for i &lt; MR, j &lt; NR, p &lt; kc (kc ≥ 1), added to c
    /// when accumulate, the sum over p in order from p = 0. The sum runs in registers; c is read and written once.
    /// A packed panel of A is aRow = 1, aStep = MR; a row-major A read in place is aRow = lda, aStep = 1.
    /// </summary>
    static abstract void Run(int kc, T* a, nint aRow, nint aStep, T* b, T* c, nint ldc, bool accumulate);
}
