namespace Backprop;

// STAND-IN: delete this file when Backprop.Generator (src/Backprop/Generator.cs, PyTorch's mt19937) is merged.
// It declares only the subset of that class's API that Data/ uses (constructors, ManualSeed, InitialSeed, Default,
// Sync, NextUInt32), so the DataLoader and RandomSplit compile unchanged against the real one. Its stream is
// SplitMix64 (Steele, Lea and Flood, 2014), not PyTorch's: no test depends on the exact draws.

/// <summary>A seedable source of random numbers; like torch.Generator (CPU).</summary>
public sealed class Generator
{
    private ulong _state;
    private ulong _seed;

    internal readonly Lock Sync = new();

    /// <summary>The seed of a new Generator() in PyTorch (default_rng_seed_val).</summary>
    public const ulong DefaultSeed = 67280421310721;

    /// <summary>A generator seeded with <see cref="DefaultSeed"/>; like torch.Generator().</summary>
    public Generator() : this(DefaultSeed) { }

    /// <summary>A generator seeded with seed; like torch.Generator().manual_seed(seed).</summary>
    public Generator(ulong seed) => Reseed(seed);

    /// <summary>The generator random functions use when none is given; like torch.default_generator.</summary>
    public static Generator Default { get; } = new((ulong)Environment.TickCount64 ^ 0x9E3779B97F4A7C15);

    /// <summary>The seed the generator was last seeded with; like generator.initial_seed().</summary>
    public ulong InitialSeed
    {
        get { lock (Sync) return _seed; }
    }

    /// <summary>Seeds the generator and returns it; like generator.manual_seed(seed).</summary>
    public Generator ManualSeed(ulong seed)
    {
        lock (Sync) Reseed(seed);
        return this;
    }

    private void Reseed(ulong seed)
    {
        _seed = seed;
        _state = seed;
    }

    /// <summary>One 32-bit word (the high half of a SplitMix64 output); callers hold <see cref="Sync"/>.</summary>
    internal uint NextUInt32()
    {
        ulong z = _state += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return (uint)((z ^ (z >> 31)) >> 32);
    }
}
