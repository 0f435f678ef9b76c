using System.Numerics;

namespace Backprop.Kernels;

/// <summary>
/// Contiguous elementwise loops over large tensors, split across the cores: one core alone does not reach the
/// machine's memory bandwidth, so a memory-bound op over millions of elements runs about twice as fast on two.
/// Small tensors take the plain loop, where waking a second thread would cost more than it saves. The split does
/// not depend on the thread count and no element is computed twice, so results are identical either way.
/// </summary>
internal static unsafe class ElementwiseParallel
{
    /// <summary>Elements from which a loop is split (about 0.1 ms of work on one core).</summary>
    public const int MinElements = 1 << 17;

    // Chunks of a fixed size (a multiple of 64 elements: whole cache lines, whole vectors) handed out to the threads.
    private const int ChunkElements = 1 << 15;

    private static bool Split(int n) => n >= MinElements && GemmParallel.CanSplit;

    /// <summary>destination = TOp(x), elementwise over contiguous spans of equal length.</summary>
    public static void Unary<T, TOp>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IUnaryOp
    {
        int n = destination.Length;
        if (!Split(n)) { TOp.Invoke<T>(x, destination); return; }
        // Spans cannot enter a closure; the buffers stay pinned until the loop returns.
        fixed (T* px = x, pd = destination)
        {
            nint ix = (nint)px, id = (nint)pd;
            GemmParallel.For(ChunkCount(n), Environment.ProcessorCount, c =>
            {
                var (start, length) = Chunk(c, n);
                TOp.Invoke<T>(new ReadOnlySpan<T>((T*)ix + start, length), new Span<T>((T*)id + start, length));
            });
        }
    }

    /// <summary>destination = TOp(a, b), elementwise over contiguous spans of equal length.</summary>
    public static void Binary<T, TOp>(ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> destination)
        where T : unmanaged, INumber<T> where TOp : IBinaryOp
    {
        int n = destination.Length;
        if (!Split(n)) { TOp.Invoke<T>(a, b, destination); return; }
        fixed (T* pa = a, pb = b, pd = destination)
        {
            nint ia = (nint)pa, ib = (nint)pb, id = (nint)pd;
            GemmParallel.For(ChunkCount(n), Environment.ProcessorCount, c =>
            {
                var (start, length) = Chunk(c, n);
                TOp.Invoke<T>(new ReadOnlySpan<T>((T*)ia + start, length), new ReadOnlySpan<T>((T*)ib + start, length),
                    new Span<T>((T*)id + start, length));
            });
        }
    }

    /// <summary>destination = TOp(a, b) with a scalar b.</summary>
    public static void Binary<T, TOp>(ReadOnlySpan<T> a, T b, Span<T> destination)
        where T : unmanaged, INumber<T> where TOp : IBinaryOp
    {
        int n = destination.Length;
        if (!Split(n)) { TOp.Invoke(a, b, destination); return; }
        fixed (T* pa = a, pd = destination)
        {
            nint ia = (nint)pa, id = (nint)pd;
            GemmParallel.For(ChunkCount(n), Environment.ProcessorCount, c =>
            {
                var (start, length) = Chunk(c, n);
                TOp.Invoke(new ReadOnlySpan<T>((T*)ia + start, length), b, new Span<T>((T*)id + start, length));
            });
        }
    }

    /// <summary>destination = TOp(a, b) with a scalar a.</summary>
    public static void Binary<T, TOp>(T a, ReadOnlySpan<T> b, Span<T> destination)
        where T : unmanaged, INumber<T> where TOp : IBinaryOp
    {
        int n = destination.Length;
        if (!Split(n)) { TOp.Invoke(a, b, destination); return; }
        fixed (T* pb = b, pd = destination)
        {
            nint ib = (nint)pb, id = (nint)pd;
            GemmParallel.For(ChunkCount(n), Environment.ProcessorCount, c =>
            {
                var (start, length) = Chunk(c, n);
                TOp.Invoke(a, new ReadOnlySpan<T>((T*)ib + start, length), new Span<T>((T*)id + start, length));
            });
        }
    }

    /// <summary>
    /// body(start, length, state) over chunks covering 0..n, split across the cores when n is large (else one call for
    /// all): for loops whose operands are not spans of one op, such as an optimizer's fused update. Chunk boundaries are
    /// whole vectors, so a loop that is exact per element gives the same values either way. With a static body and
    /// its operands in state, a loop one core does allocates nothing.
    /// </summary>
    public static void ForChunks<TState>(int n, TState state, Action<int, int, TState> body)
    {
        if (!Split(n)) { body(0, n, state); return; }
        GemmParallel.For(ChunkCount(n), Environment.ProcessorCount, c =>
        {
            var (start, length) = Chunk(c, n);
            body(start, length, state);
        });
    }

    private static int ChunkCount(int n) => (n + ChunkElements - 1) / ChunkElements;

    private static (int Start, int Length) Chunk(int c, int n)
    {
        int start = c * ChunkElements;
        return (start, Math.Min(ChunkElements, n - start));
    }
}
