namespace Backprop.Kernels;

/// <summary>
/// Fills buffers with random draws in exactly the order and arithmetic of PyTorch 1.13's CPU kernels, so a seed
/// gives torch's numbers. Callers hold the generator's lock for the whole fill.
/// </summary>
internal static class Sampling
{
    // PyTorch's kernels are compiled with multiply-adds fused (x·range + from in one rounding), so these fuse too.

    /// <summary>Uniform on [from, to): one draw per element, x·(to − from) + from; like uniform_ (uniform_real_distribution).</summary>
    public static void Uniform(Generator g, Span<float> data, float from, float to)
    {
        float range = to - from;
        for (int i = 0; i < data.Length; i++) data[i] = MathF.FusedMultiplyAdd(g.NextFloat(), range, from);
    }

    /// <inheritdoc cref="Uniform(Generator, Span{float}, float, float)"/>
    public static void Uniform(Generator g, Span<double> data, double from, double to)
    {
        double range = to - from;
        for (int i = 0; i < data.Length; i++) data[i] = Math.FusedMultiplyAdd(g.NextDouble(), range, from);
    }

    /// <summary>
    /// Standard normals the way torch.randn / normal_ fills a contiguous tensor: from 16 elements on, uniforms for every
    /// element first, then Box-Muller over blocks of 16 (the last 16 redrawn and redone when the size is not a multiple
    /// of 16); below 16 (or for a strided target: contiguous = false), the serial sampler with its cached second value.
    /// </summary>
    public static void Normal(Generator g, Span<float> data, double mean, double std, bool contiguous = true)
    {
        if (!contiguous || data.Length < 16)
        {
            // the serial sampler works in double for every dtype, then rounds
            for (int i = 0; i < data.Length; i++) data[i] = (float)Math.FusedMultiplyAdd(g.NextNormal(), std, mean);
            return;
        }
        for (int i = 0; i < data.Length; i++) data[i] = g.NextFloat();
        for (int i = 0; i + 16 <= data.Length; i += 16) BoxMuller16(data.Slice(i, 16), (float)mean, (float)std);
        if (data.Length % 16 != 0)
        {
            var last = data[^16..];
            for (int i = 0; i < 16; i++) last[i] = g.NextFloat();
            BoxMuller16(last, (float)mean, (float)std);
        }
    }

    /// <inheritdoc cref="Normal(Generator, Span{float}, double, double, bool)"/>
    public static void Normal(Generator g, Span<double> data, double mean, double std, bool contiguous = true)
    {
        if (!contiguous || data.Length < 16)
        {
            for (int i = 0; i < data.Length; i++) data[i] = Math.FusedMultiplyAdd(g.NextNormal(), std, mean);
            return;
        }
        for (int i = 0; i < data.Length; i++) data[i] = g.NextDouble();
        for (int i = 0; i + 16 <= data.Length; i += 16) BoxMuller16(data.Slice(i, 16), mean, std);
        if (data.Length % 16 != 0)
        {
            var last = data[^16..];
            for (int i = 0; i < 16; i++) last[i] = g.NextDouble();
            BoxMuller16(last, mean, std);
        }
    }

    // Box-Muller on 16 uniforms: pairs (j, j+8); 1 − u maps [0, 1) to (0, 1] so the log is finite.
    private static void BoxMuller16(Span<double> d, double mean, double std)
    {
        for (int j = 0; j < 8; j++)
        {
            double u1 = 1 - d[j];
            double u2 = d[j + 8];
            double radius = Math.Sqrt(-2 * Math.Log(u1));
            double theta = 2.0f * Math.PI * u2;
            d[j] = Math.FusedMultiplyAdd(radius * Math.Cos(theta), std, mean);
            d[j + 8] = Math.FusedMultiplyAdd(radius * Math.Sin(theta), std, mean);
        }
    }

    // The float path of torch on AVX2 machines (normal_fill_16_AVX2): single-precision log, sin and cos by the
    // Cephes polynomials (CephesFloat), with the final scale-and-shift fused.
    private static void BoxMuller16(Span<float> d, float mean, float std)
    {
        const float twoPi = (float)(2.0 * Math.PI);
        for (int j = 0; j < 8; j++)
        {
            float u1 = 1f - d[j];
            float u2 = d[j + 8];
            float radius = MathF.Sqrt(-2f * CephesFloat.Log(u1));
            var (sin, cos) = CephesFloat.SinCos(twoPi * u2);
            d[j] = MathF.FusedMultiplyAdd(radius * cos, std, mean);
            d[j + 8] = MathF.FusedMultiplyAdd(radius * sin, std, mean);
        }
    }

    /// <summary>Integers uniform on [low, low + range): a 32-bit draw (64-bit for ranges of 2^32 and more) modulo range; like random_(from, to).</summary>
    public static void RandomFromTo(Generator g, Span<long> data, ulong range, long low)
    {
        if (range >= 1UL << 32)
            for (int i = 0; i < data.Length; i++) data[i] = (long)(g.NextUInt64() % range) + low;
        else
            for (int i = 0; i < data.Length; i++) data[i] = (long)(g.NextUInt32() % range) + low;
    }

    /// <summary>Fisher-Yates forward: position i swaps with i + (draw mod (n − i)); like torch.randperm on CPU.</summary>
    public static void Permutation(Generator g, Span<long> data)
    {
        int n = data.Length;
        for (int i = 0; i < n; i++) data[i] = i;
        bool wide = n >= uint.MaxValue / 20;   // torch draws 64 bits from this size on
        for (int i = 0; i < n - 1; i++)
        {
            ulong draw = wide ? g.NextUInt64() : g.NextUInt32();
            int z = (int)(draw % (ulong)(n - i));
            (data[i], data[i + z]) = (data[i + z], data[i]);
        }
    }
}
