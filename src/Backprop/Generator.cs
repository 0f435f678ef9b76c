using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Backprop;

/// <summary>
/// A seedable source of random numbers: a 32-bit Mersenne Twister (mt19937) laid out as PyTorch's CPU generator,
/// so the same seed gives the same draws as torch, and <see cref="GetState"/> gives the bytes torch.get_rng_state()
/// gives. Like torch.Generator (CPU). Draws lock the generator, so sharing one between threads is safe but serial.
/// </summary>
public sealed class Generator
{
    // mt19937 parameters (Matsumoto and Nishimura, 1998).
    private const int N = 624;
    private const int M = 397;
    private const uint MatrixA = 0x9908b0df;
    private const uint UpperMask = 0x80000000;
    private const uint LowerMask = 0x7fffffff;

    /// <summary>The seed of a new Generator() in PyTorch (default_rng_seed_val).</summary>
    public const ulong DefaultSeed = 67280421310721;

    /// <summary>The bytes of a state: PyTorch's legacy CPU generator layout, so states travel to and from torch.</summary>
    public const int StateSize = 5056;

    private readonly uint[] _state = new uint[N];
    private int _left;     // draws left before the next twist (torch's left_)
    private int _next;     // index of the next word to temper (torch's next_)
    private ulong _seed;

    // The second Box-Muller value of the serial normal sampler, kept for the next draw (torch's next_double_normal_sample).
    private double? _nextDoubleNormal;
    // Kept only so states round-trip with torch; no CPU kernel of PyTorch 1.13 draws from it.
    private float? _nextFloatNormal;

    internal readonly Lock Sync = new();

    /// <summary>A generator seeded with <see cref="DefaultSeed"/>; like torch.Generator().</summary>
    public Generator() : this(DefaultSeed) { }

    /// <summary>A generator seeded with seed; like torch.Generator().manual_seed(seed).</summary>
    public Generator(ulong seed) => Reseed(seed);

    /// <summary>
    /// The generator that random functions use when none is given, seeded non-deterministically at start-up;
    /// like torch.default_generator. <see cref="Tensor.ManualSeed"/> seeds it.
    /// </summary>
    public static Generator Default { get; } = new(NonDeterministicSeed());

    /// <summary>The seed the generator was last seeded with; like generator.initial_seed().</summary>
    public ulong InitialSeed
    {
        get { lock (Sync) return _seed; }
    }

    /// <summary>Seeds the generator (only the low 32 bits reach mt19937, as in PyTorch) and returns it; like generator.manual_seed(seed).</summary>
    public Generator ManualSeed(ulong seed)
    {
        lock (Sync) Reseed(seed);
        return this;
    }

    /// <summary>Seeds the generator from a non-deterministic source and returns the seed; like generator.seed().</summary>
    public ulong Seed()
    {
        ulong seed = NonDeterministicSeed();
        ManualSeed(seed);
        return seed;
    }

    /// <summary>
    /// The full state as bytes, in the layout of torch.get_rng_state() / generator.get_state(): restoring it with
    /// <see cref="SetState"/> (here or in PyTorch) reproduces the same stream.
    /// </summary>
    public byte[] GetState()
    {
        var bytes = new byte[StateSize];
        var s = bytes.AsSpan();
        lock (Sync)
        {
            // struct { u64 the_initial_seed; i32 left; i32 seeded; u64 next; u64 state[624];
            //          f64 normal_x, normal_y, normal_rho; i32 normal_is_valid; (pad 4) f32 next_float_normal_sample; bool valid; (pad 3) }
            BinaryPrimitives.WriteUInt64LittleEndian(s, _seed);
            BinaryPrimitives.WriteInt32LittleEndian(s[8..], _left);
            BinaryPrimitives.WriteInt32LittleEndian(s[12..], 1);
            BinaryPrimitives.WriteUInt64LittleEndian(s[16..], (ulong)_next);
            for (int i = 0; i < N; i++) BinaryPrimitives.WriteUInt64LittleEndian(s[(24 + 8 * i)..], _state[i]);
            const int tail = 24 + 8 * N;
            if (_nextDoubleNormal is { } y)
            {
                BinaryPrimitives.WriteDoubleLittleEndian(s[(tail + 8)..], y);
                BinaryPrimitives.WriteInt32LittleEndian(s[(tail + 24)..], 1);
            }
            if (_nextFloatNormal is { } f)
            {
                BinaryPrimitives.WriteSingleLittleEndian(s[(tail + 32)..], f);
                s[tail + 36] = 1;
            }
        }
        return bytes;
    }

    /// <summary>Restores a state from <see cref="GetState"/> (or from torch.get_rng_state()); like generator.set_state(state).</summary>
    public void SetState(byte[] state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Length != StateSize)
            throw new ArgumentException($"SetState: RNG state is wrong size: expected {StateSize} bytes, got {state.Length}");
        var s = state.AsSpan();
        int left = BinaryPrimitives.ReadInt32LittleEndian(s[8..]);
        ulong next = BinaryPrimitives.ReadUInt64LittleEndian(s[16..]);
        if (left < 1 || left > N || next > N)
            throw new ArgumentException($"SetState: invalid mt19937 state (left={left}, next={next})");
        const int tail = 24 + 8 * N;
        lock (Sync)
        {
            _seed = BinaryPrimitives.ReadUInt64LittleEndian(s);
            _left = left;
            _next = (int)next;
            for (int i = 0; i < N; i++) _state[i] = (uint)BinaryPrimitives.ReadUInt64LittleEndian(s[(24 + 8 * i)..]);
            _nextDoubleNormal = BinaryPrimitives.ReadInt32LittleEndian(s[(tail + 24)..]) != 0
                ? BinaryPrimitives.ReadDoubleLittleEndian(s[(tail + 8)..]) : null;
            _nextFloatNormal = s[tail + 36] != 0 ? BinaryPrimitives.ReadSingleLittleEndian(s[(tail + 32)..]) : null;
        }
    }

    /// <summary>A copy with the same state: both then produce the same stream.</summary>
    public Generator Clone()
    {
        var copy = new Generator();
        copy.SetState(GetState());
        return copy;
    }

    private void Reseed(ulong seed)
    {
        // init_genrand: the classic Knuth-style linear recurrence over the 32-bit seed.
        _seed = seed;
        _state[0] = (uint)seed;
        for (int j = 1; j < N; j++)
            _state[j] = 1812433253u * (_state[j - 1] ^ (_state[j - 1] >> 30)) + (uint)j;
        _left = 1;
        _next = 0;
        _nextDoubleNormal = null;
        _nextFloatNormal = null;
    }

    private static ulong NonDeterministicSeed()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BinaryPrimitives.ReadUInt64LittleEndian(bytes);
    }

    // ---- draws (callers hold Sync for a whole tensor, as PyTorch holds the generator's mutex) ----

    /// <summary>One tempered 32-bit word; like generator->random().</summary>
    internal uint NextUInt32()
    {
        if (--_left == 0) Twist();
        uint y = _state[_next++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Two words, the first in the high half; like generator->random64().</summary>
    internal ulong NextUInt64()
    {
        ulong hi = NextUInt32();
        ulong lo = NextUInt32();
        return (hi << 32) | lo;
    }

    /// <summary>
    /// A non-negative 63-bit integer from two words (random64 mod 2^63), taking the lock itself; like
    /// torch.empty((), dtype=torch.int64).random_(generator=g).item(), which PyTorch's data loading uses to draw seeds.
    /// </summary>
    internal long NextSeed()
    {
        lock (Sync) return (long)(NextUInt64() & long.MaxValue);
    }

    /// <summary>A float in [0, 1) from the low 24 bits of one word; like uniform_real_distribution&lt;float&gt;.</summary>
    internal float NextFloat() => (NextUInt32() & ((1u << 24) - 1)) * (1.0f / (1 << 24));

    /// <summary>A double in [0, 1) from the low 53 bits of two words; like uniform_real_distribution&lt;double&gt;.</summary>
    internal double NextDouble() => (NextUInt64() & ((1UL << 53) - 1)) * (1.0 / (1UL << 53));

    /// <summary>
    /// A standard normal by Box-Muller from two double uniforms; the sine value is kept for the next call.
    /// Like at::normal_distribution&lt;double&gt; (the serial path torch takes for small or strided tensors).
    /// </summary>
    internal double NextNormal()
    {
        if (_nextDoubleNormal is { } cached)
        {
            _nextDoubleNormal = null;
            return cached;
        }
        double u1 = NextDouble();
        double u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));   // 1 - u2 lies in (0, 1]: the log is finite
        double theta = 2.0 * Math.PI * u1;
        _nextDoubleNormal = r * Math.Sin(theta);
        return r * Math.Cos(theta);
    }

    private void Twist()
    {
        var mt = _state;
        _left = N;
        _next = 0;
        int k = 0;
        for (; k < N - M; k++) mt[k] = mt[k + M] ^ Mix(mt[k], mt[k + 1]);
        for (; k < N - 1; k++) mt[k] = mt[k + M - N] ^ Mix(mt[k], mt[k + 1]);
        mt[N - 1] = mt[M - 1] ^ Mix(mt[N - 1], mt[0]);
    }

    private static uint Mix(uint u, uint v)
    {
        uint y = (u & UpperMask) | (v & LowerMask);
        return (y >> 1) ^ ((y & 1) != 0 ? MatrixA : 0);
    }
}
