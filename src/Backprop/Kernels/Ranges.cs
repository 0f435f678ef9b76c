namespace Backprop.Kernels;

/// <summary>
/// Evenly spaced values, computed with PyTorch 1.13's CPU arithmetic so the bits agree with torch.arange and
/// torch.linspace: torch fills 16 floats (8 doubles or longs) per step of its vectorised loop as a base value plus k·step,
/// and the remaining tail element by element; its multiply-adds are fused (compiled with FMA). That exactness holds up
/// to torch's parallel grain (32768 elements), past which torch's result depends on its thread count.
/// </summary>
internal static class Ranges
{
    // Elements per vector register on AVX2: floats 8, doubles and longs 4; the loop takes two registers per step.
    private const int FloatLanes = 8;
    private const int WideLanes = 4;

    /// <summary>start + i·step, accumulated in double and rounded to float; like arange_kernel for float.</summary>
    public static void Arange(Span<float> data, double start, double step)
    {
        int n = data.Length, i = 0;
        for (; i <= n - 2 * FloatLanes; i += 2 * FloatLanes)
            for (int v = i; v < i + 2 * FloatLanes; v += FloatLanes)
            {
                float b = (float)Math.FusedMultiplyAdd(step, v, start);
                data[v] = b;
                for (int k = 1; k < FloatLanes; k++) data[v + k] = (float)Math.FusedMultiplyAdd(k, step, b);
            }
        for (; i < n; i++) data[i] = (float)Math.FusedMultiplyAdd(step, i, start);
    }

    /// <summary>start + i·step in double; like arange_kernel for double.</summary>
    public static void Arange(Span<double> data, double start, double step)
    {
        int n = data.Length, i = 0;
        for (; i <= n - 2 * WideLanes; i += 2 * WideLanes)
            for (int v = i; v < i + 2 * WideLanes; v += WideLanes)
            {
                double b = Math.FusedMultiplyAdd(step, v, start);
                data[v] = b;
                for (int k = 1; k < WideLanes; k++) data[v + k] = Math.FusedMultiplyAdd(k, step, b);
            }
        for (; i < n; i++) data[i] = Math.FusedMultiplyAdd(step, i, start);
    }

    /// <summary>start + i·step in integers; like arange_kernel for int64.</summary>
    public static void Arange(Span<long> data, long start, long step)
    {
        for (int i = 0; i < data.Length; i++) data[i] = start + step * i;
    }

    /// <summary>
    /// Linspace in float: step = (end − start)/(steps − 1) in float; the first half counts up from start, the second
    /// half down from end, so both endpoints are exact; like linspace_kernel for float.
    /// </summary>
    public static void Linspace(Span<float> data, float start, float end)
    {
        int n = data.Length, half = n / 2, i = 0;
        float step = (end - start) / (n - 1);
        float At(int idx) => idx < half
            ? MathF.FusedMultiplyAdd(step, idx, start)
            : MathF.FusedMultiplyAdd(-step, n - idx - 1, end);
        for (; i <= n - 2 * FloatLanes; i += 2 * FloatLanes)
            for (int v = i; v < i + 2 * FloatLanes; v += FloatLanes)
            {
                float b = At(v);
                data[v] = b;
                for (int k = 1; k < FloatLanes; k++) data[v + k] = b + k * step;
            }
        for (; i < n; i++) data[i] = At(i);
    }

    /// <summary>Linspace in double; like linspace_kernel for double.</summary>
    public static void Linspace(Span<double> data, double start, double end)
    {
        int n = data.Length, half = n / 2, i = 0;
        double step = (end - start) / (n - 1);
        double At(int idx) => idx < half
            ? Math.FusedMultiplyAdd(step, idx, start)
            : Math.FusedMultiplyAdd(-step, n - idx - 1, end);
        for (; i <= n - 2 * WideLanes; i += 2 * WideLanes)
            for (int v = i; v < i + 2 * WideLanes; v += WideLanes)
            {
                double b = At(v);
                data[v] = b;
                for (int k = 1; k < WideLanes; k++) data[v + k] = b + k * step;
            }
        for (; i < n; i++) data[i] = At(i);
    }

    /// <summary>Linspace into integers: the step in double, each value truncated toward zero; like linspace_kernel for int64.</summary>
    public static void Linspace(Span<long> data, long start, long end)
    {
        int n = data.Length, half = n / 2, i = 0;
        double step = ((double)end - start) / (n - 1);
        long At(int idx) => (long)(idx < half
            ? Math.FusedMultiplyAdd(step, idx, start)
            : Math.FusedMultiplyAdd(-step, n - idx - 1, end));
        for (; i <= n - 2 * WideLanes; i += 2 * WideLanes)
            for (int v = i; v < i + 2 * WideLanes; v += WideLanes)
            {
                long b = At(v);   // torch's vector path truncates the base before adding k·step
                data[v] = b;
                for (int k = 1; k < WideLanes; k++) data[v + k] = (long)(b + k * step);
            }
        for (; i < n; i++) data[i] = At(i);
    }
}
