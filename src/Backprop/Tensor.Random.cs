using Backprop.Kernels;

namespace Backprop;

// Random tensors. Every draw follows PyTorch 1.13's CPU kernels (see Kernels/Sampling.cs), so that after the same
// ManualSeed the same calls give torch's numbers.
public partial class Tensor
{
    /// <summary>Seeds the default generator and returns it; like torch.manual_seed(seed).</summary>
    public static Generator ManualSeed(ulong seed) => Generator.Default.ManualSeed(seed);

    /// <summary>The seed of the default generator; like torch.initial_seed().</summary>
    public static ulong InitialSeed() => Generator.Default.InitialSeed;

    /// <summary>The default generator's state as bytes (torch's layout); like torch.get_rng_state().</summary>
    public static byte[] GetRngState() => Generator.Default.GetState();

    /// <summary>Restores the default generator's state; like torch.set_rng_state(state).</summary>
    public static void SetRngState(byte[] state) => Generator.Default.SetState(state);

    /// <summary>Uniform samples on [0, 1); like torch.rand(shape, dtype=dtype, generator=generator).</summary>
    public static Tensor Rand(int[] shape, DType dtype = DType.Float32, Generator? generator = null)
    {
        CheckShape("Rand", shape);
        CheckFloating("Rand", dtype);
        var t = ZeroFilled(dtype, (int[])shape.Clone());
        t.FillUniform(0, 1, generator ?? Generator.Default);
        return t;
    }

    /// <summary>Float32 uniform samples on [0, 1); like torch.rand(*size).</summary>
    public static Tensor Rand(params int[] shape) => Rand(shape, DType.Float32);

    /// <summary>Standard normal samples; like torch.randn(shape, dtype=dtype, generator=generator).</summary>
    public static Tensor Randn(int[] shape, DType dtype = DType.Float32, Generator? generator = null)
    {
        CheckShape("Randn", shape);
        CheckFloating("Randn", dtype);
        var t = ZeroFilled(dtype, (int[])shape.Clone());
        t.FillNormal(0, 1, generator ?? Generator.Default);
        return t;
    }

    /// <summary>Float32 standard normal samples; like torch.randn(*size).</summary>
    public static Tensor Randn(params int[] shape) => Randn(shape, DType.Float32);

    /// <summary>Integers uniform on [low, high); like torch.randint(low, high, shape, dtype=dtype, generator=generator).</summary>
    public static Tensor RandInt(long low, long high, int[] shape, DType dtype = DType.Int64, Generator? generator = null)
    {
        CheckShape("RandInt", shape);
        if (low >= high)
            throw new ArgumentException($"RandInt: random_ expects 'from' to be less than 'to', but got from={low} >= to={high}");
        if (dtype == DType.Bool && (low < 0 || high > 2))
            throw new ArgumentException($"RandInt: for a torch.bool result 'from' and 'to' must lie in [0, 2], but got from={low}, to={high}");
        var values = ZeroFilled(DType.Int64, (int[])shape.Clone());
        var g = generator ?? Generator.Default;
        ulong range = (ulong)(high - low);   // wraps correctly even when high - low overflows long
        var kernel = new SampleRun(g, SampleKind.FromTo, low, 0, range);
        Dispatch.Any(ref kernel, values);
        return dtype == DType.Int64 ? values : values.ConvertUnchecked(dtype);
    }

    /// <summary>Integers uniform on [0, high); like torch.randint(high, shape).</summary>
    public static Tensor RandInt(long high, int[] shape, DType dtype = DType.Int64, Generator? generator = null)
        => RandInt(0, high, shape, dtype, generator);

    /// <summary>A random permutation of 0 … n−1 (Int64); like torch.randperm(n, generator=generator).</summary>
    public static Tensor RandPerm(int n, Generator? generator = null)
    {
        if (n < 0) throw new ArgumentException($"RandPerm: n must be non-negative, got {n}");
        var t = ZeroFilled(DType.Int64, [n]);
        var g = generator ?? Generator.Default;
        var kernel = new SampleRun(g, SampleKind.Permutation, 0, 0);
        Dispatch.Any(ref kernel, t);
        return t;
    }

    /// <summary>Uniform samples on [0, 1) with the shape (and dtype) of another tensor; like torch.rand_like.</summary>
    public static Tensor RandLike(Tensor other, DType? dtype = null, Generator? generator = null)
        => Rand(other.ShapeArray, dtype ?? other.DType, generator);

    /// <summary>Standard normal samples with the shape (and dtype) of another tensor; like torch.randn_like.</summary>
    public static Tensor RandnLike(Tensor other, DType? dtype = null, Generator? generator = null)
        => Randn(other.ShapeArray, dtype ?? other.DType, generator);

    /// <summary>Integers on [low, high) with the shape (and dtype) of another tensor; like torch.randint_like.</summary>
    public static Tensor RandIntLike(Tensor other, long low, long high, DType? dtype = null, Generator? generator = null)
        => RandInt(low, high, other.ShapeArray, dtype ?? other.DType, generator);

    /// <summary>Fills this tensor with uniform samples on [from, to), in place; like tensor.uniform_(from, to, generator=generator).</summary>
    public Tensor Uniform_(double from = 0, double to = 1, Generator? generator = null)
    {
        CheckFloating("Uniform_", DType);
        if (!(from <= to))
            throw new ArgumentException($"Uniform_: uniform_ expects to return a [from, to) range, but found from={from} > to={to}");
        return FillInPlace(generator, (t, g, _) => t.FillUniform(from, to, g));
    }

    /// <summary>Fills this tensor with normal samples, in place; like tensor.normal_(mean, std, generator=generator).</summary>
    public Tensor Normal_(double mean = 0, double std = 1, Generator? generator = null)
    {
        CheckFloating("Normal_", DType);
        if (!(std >= 0)) throw new ArgumentException($"Normal_: normal expects std >= 0.0, but found std {std}");
        return FillInPlace(generator, (t, g, contiguousTarget) => t.FillNormal(mean, std, g, contiguousTarget));
    }

    /// <summary>
    /// Fills this tensor with 1 (probability p) or 0, in place: one double uniform per element, 1 when below p (any
    /// dtype); like tensor.bernoulli_(p, generator=generator).
    /// </summary>
    public Tensor Bernoulli_(double p = 0.5, Generator? generator = null)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentException($"Bernoulli_: bernoulli_ expects p to be in [0, 1], but got p={p}");
        return FillInPlace(generator, (t, g, _) => t.FillBernoulli(p, g));
    }

    private static void CheckFloating(string op, DType dtype)
    {
        if (!dtype.IsFloatingPoint())
            throw new ArgumentException($"{op}: expected a floating-point dtype (torch.float32 or torch.float64) but got {dtype.TorchName()}");
    }

    /// <summary>
    /// Draws into a fresh buffer in the order PyTorch's TensorIterator walks this view (memory order of its dims), then
    /// copies it in through Copy_, which bumps the version and refuses leaves that require grad, as torch does.
    /// The fill is told whether the target is contiguous: torch's normal sampler takes its 16-block path only then.
    /// </summary>
    private Tensor FillInPlace(Generator? generator, Action<Tensor, Generator, bool> fill)
    {
        var g = generator ?? Generator.Default;
        if (IsContiguous)
        {
            var buffer = ZeroFilled(DType, ShapeArray);
            fill(buffer, g, true);
            return Copy_(buffer);
        }
        // perm lists dims from slowest to fastest in memory; fill that layout contiguously, then view it back.
        var perm = IterationOrder(ShapeArray, StrideArray);
        var permutedShape = new int[Dim];
        for (int i = 0; i < Dim; i++) permutedShape[i] = ShapeArray[perm[i]];
        var permuted = ZeroFilled(DType, permutedShape);
        fill(permuted, g, false);
        var inverse = new int[Dim];
        for (int i = 0; i < Dim; i++) inverse[perm[i]] = i;
        Tensor values;
        using (Autograd.NoGrad()) values = permuted.Permute(inverse);
        return Copy_(values);
    }

    /// <summary>
    /// TensorIterator's dim order for a single output: an insertion sort on strides (larger stride = outer), with
    /// equal strides ordering the larger size outer; returns dims outermost first.
    /// </summary>
    private static int[] IterationOrder(int[] shape, int[] strides)
    {
        int n = shape.Length;
        var perm = new int[n];   // fastest first, as TensorIterator keeps it
        for (int i = 0; i < n; i++) perm[i] = n - 1 - i;
        for (int i = 1; i < n; i++)
        {
            int dim1 = i;
            for (int dim0 = i - 1; dim0 >= 0; dim0--)
            {
                int a = perm[dim0], b = perm[dim1];
                int cmp = strides[a] == 0 || strides[b] == 0 ? 0
                    : strides[a] < strides[b] ? -1
                    : strides[a] > strides[b] ? 1
                    : shape[a] > shape[b] ? 1 : 0;
                if (cmp > 0) { (perm[dim0], perm[dim1]) = (perm[dim1], perm[dim0]); dim1 = dim0; }
                else if (cmp < 0) break;
            }
        }
        Array.Reverse(perm);
        return perm;
    }

    private void FillUniform(double from, double to, Generator g)
    {
        var kernel = new SampleRun(g, SampleKind.Uniform, from, to);
        Dispatch.Any(ref kernel, this);
    }

    private void FillBernoulli(double p, Generator g)
    {
        var kernel = new SampleRun(g, SampleKind.Bernoulli, p, 0);
        Dispatch.Any(ref kernel, this);
    }

    private void FillNormal(double mean, double std, Generator g, bool contiguousTarget = true)
    {
        var kernel = new SampleRun(g, SampleKind.Normal, mean, std, contiguous: contiguousTarget);
        Dispatch.Any(ref kernel, this);
    }

    private enum SampleKind { Uniform, Normal, Bernoulli, FromTo, Permutation }

    /// <summary>
    /// Fills a contiguous tensor from the generator, under its lock: Uniform (a = from, b = to), Normal (a = mean,
    /// b = std), Bernoulli (a = p), FromTo (Int64: a = low, range), Permutation (Int64). The same Sampling calls, with
    /// the same conversions, as before the dispatcher: the random streams are unchanged.
    /// </summary>
    private readonly struct SampleRun(Generator g, SampleKind kind, double a, double b, ulong range = 0, bool contiguous = true) : IAnyKernel
    {
        private readonly long _low = (long)a;

        public SampleRun(Generator g, SampleKind kind, long low, double b, ulong range) : this(g, kind, (double)low, b, range) => _low = low;

        public void Run<T>(Lent<T> t, Lent<T> _, Lent<T> __) where T : unmanaged
        {
            var span = t.Span;
            lock (g.Sync)
            {
                switch (kind)
                {
                    case SampleKind.Uniform when typeof(T) == typeof(float): Sampling.Uniform(g, Cast<float>(span), (float)a, (float)b); break;
                    case SampleKind.Uniform when typeof(T) == typeof(double): Sampling.Uniform(g, Cast<double>(span), a, b); break;
                    case SampleKind.Normal when typeof(T) == typeof(float): Sampling.Normal(g, Cast<float>(span), a, b, contiguous); break;
                    case SampleKind.Normal when typeof(T) == typeof(double): Sampling.Normal(g, Cast<double>(span), a, b, contiguous); break;
                    case SampleKind.Bernoulli when typeof(T) == typeof(float): Sampling.Bernoulli(g, Cast<float>(span), a, 1f, 0f); break;
                    case SampleKind.Bernoulli when typeof(T) == typeof(double): Sampling.Bernoulli(g, Cast<double>(span), a, 1.0, 0.0); break;
                    case SampleKind.Bernoulli when typeof(T) == typeof(long): Sampling.Bernoulli(g, Cast<long>(span), a, 1L, 0L); break;
                    case SampleKind.Bernoulli when typeof(T) == typeof(bool): Sampling.Bernoulli(g, Cast<bool>(span), a, true, false); break;
                    case SampleKind.FromTo when typeof(T) == typeof(long): Sampling.RandomFromTo(g, Cast<long>(span), range, _low); break;
                    case SampleKind.Permutation when typeof(T) == typeof(long): Sampling.Permutation(g, Cast<long>(span)); break;
                    default: throw new NotSupportedException($"{kind}: dtype {DTypeOf<T>.Value.TorchName()}");
                }
            }

            static Span<TTo> Cast<TTo>(Span<T> s) where TTo : unmanaged => System.Runtime.InteropServices.MemoryMarshal.Cast<T, TTo>(s);
        }
    }
}
