using System.Numerics;
using System.Runtime.CompilerServices;

namespace Backprop.Kernels;

/// <summary>
/// Tiny products (a few hundred multiply-adds), where packing and blocking cost more than the arithmetic:
/// the definition in i-p-j order, each row of C summed in place, nothing allocated.
/// </summary>
internal static unsafe class GemmSmall
{
    /// <summary>c[i·n + j] = Σ_p a[i·aRow + p·aCol]·b[p·bRow + j·bCol], overwriting c.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Multiply<T>(T* a, nint aRow, nint aCol, T* b, nint bRow, nint bCol, T* c, int m, int n, int k)
        where T : unmanaged, INumber<T>
    {
        for (int i = 0; i < m; i++)
        {
            T* row = c + (nint)i * n;
            T* ai = a + i * aRow;
            for (int j = 0; j < n; j++) row[j] = T.Zero;
            for (int p = 0; p < k; p++)
            {
                T aip = ai[p * aCol];
                T* bp = b + p * bRow;
                for (int j = 0; j < n; j++) row[j] += aip * bp[j * bCol];
            }
        }
    }
}
