namespace Backprop;

// Multinomial sampling with PyTorch 1.13's CPU algorithm, so that under the same seed it draws torch's indices:
// without replacement, the exponential race (Gumbel-max): q ~ Exp(1) per category from the
// double uniform stream, −log1p(−u), cast to the tensor's dtype; the samples are the argmax / top-k of p / q. With
// replacement, the cumulative distribution normalised by its total, one double uniform per sample, and the first
// category whose cumulative probability is not below it.
public partial class Tensor
{
    /// <summary>
    /// numSamples category indices (Int64) per row of the probabilities (1-D [C] or 2-D [N, C]; non-negative, finite,
    /// not all zero; need not sum to 1), drawn with or without replacement from generator (the default one when
    /// null). Like torch.multinomial(input, num_samples, replacement, generator=generator), bit for bit on CPU.
    /// </summary>
    public Tensor Multinomial(int numSamples, bool replacement = false, Generator? generator = null)
    {
        if (Dim is not (1 or 2)) throw new ArgumentException($"Multinomial: prob_dist must be 1 or 2 dim, got {Dim}");
        if (!DType.IsFloatingPoint()) throw new ArgumentException($"Multinomial: only support floating point dtype input, got {DType.TorchName()}");
        if (numSamples <= 0) throw new ArgumentException($"Multinomial: cannot sample n_sample <= 0 samples, got {numSamples}");
        int categories = ShapeArray[^1], rows = Dim == 2 ? ShapeArray[0] : 1;
        if (!replacement && numSamples > categories)
            throw new ArgumentException($"Multinomial: cannot sample n_sample > prob_dist.size(-1) samples without replacement ({numSamples} > {categories})");
        var p = ToDoubleArray();
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int c = 0; c < categories; c++)
            {
                double v = p[r * categories + c];
                if (!(v >= 0) || double.IsInfinity(v)) throw new ArgumentException("Multinomial: probability tensor contains either `inf`, `nan` or element < 0");
                sum += v;
            }
            if (sum == 0) throw new ArgumentException("Multinomial: invalid multinomial distribution (sum of probabilities <= 0)");
        }
        var samples = new long[rows * numSamples];
        if (!replacement) ExponentialRace(p, rows, categories, numSamples, samples, generator);
        else WithReplacement(p, rows, categories, numSamples, samples, generator);
        return Dim == 2 ? From(samples, rows, numSamples) : From(samples, numSamples);
    }

    private void ExponentialRace(double[] p, int rows, int categories, int numSamples, long[] samples, Generator? generator)
    {
        var u = Rand([rows * categories], DType.Float64, generator).ToArray<double>();
        bool single = DType != DType.Float64;   // torch keeps q and p / q in the input's dtype
        var key = new double[categories];
        var order = new int[categories];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < categories; c++)
            {
                double q = -Kernels.Log1pOp.Invoke(-u[r * categories + c]);
                double pi = p[r * categories + c];
                key[c] = single ? (float)pi / (float)q : pi / q;
                order[c] = c;
            }
            if (numSamples == 1)
            {
                int best = 0;   // argmax: the first of equal maxima
                for (int c = 1; c < categories; c++) if (key[c] > key[best]) best = c;
                samples[r] = best;
                continue;
            }
            // top-k, largest first; equal keys by index
            Array.Sort(order, (a, b) => key[b].CompareTo(key[a]) is var k && k != 0 ? k : a.CompareTo(b));
            for (int s = 0; s < numSamples; s++) samples[r * numSamples + s] = order[s];
        }
    }

    private void WithReplacement(double[] p, int rows, int categories, int numSamples, long[] samples, Generator? generator)
    {
        var cumulative = new double[categories];
        bool single = DType != DType.Float64;
        for (int r = 0; r < rows; r++)
        {
            double total = 0;
            float totalSingle = 0;
            for (int c = 0; c < categories; c++)
            {
                if (single) { totalSingle += (float)p[r * categories + c]; cumulative[c] = totalSingle; }
                else { total += p[r * categories + c]; cumulative[c] = total; }
            }
            double norm = single ? totalSingle : total;
            for (int c = 0; c < categories; c++) cumulative[c] = single ? (float)cumulative[c] / (float)norm : cumulative[c] / norm;
            var u = Rand([numSamples], DType.Float64, generator).ToArray<double>();
            for (int s = 0; s < numSamples; s++)
            {
                int lo = 0, hi = categories;   // the first category whose cumulative probability is ≥ u
                while (hi - lo > 0)
                {
                    int mid = lo + (hi - lo) / 2;
                    if (cumulative[mid] < u[s]) lo = mid + 1;
                    else hi = mid;
                }
                samples[r * numSamples + s] = Math.Min(lo, categories - 1);
            }
        }
    }
}
