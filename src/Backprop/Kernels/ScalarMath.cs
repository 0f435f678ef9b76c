using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Kernels;

/// <summary>
/// The float transcendental functions (exp, log, tanh, sin, cos, sigmoid) one element at a time, for the browser. There the
/// library runs in the WebAssembly interpreter, which executes TensorPrimitives' vectorised math (the runtime's
/// Vector128 exp and friends: widening to double, polynomials, narrowing) as managed IL, most of its vector steps
/// without an intrinsic: a 2^20-element exp took 0.31 s in Chromium. A plain loop over MathF.Exp is one call into
/// the C library per element, traced by the jiterpreter: 13 ms (docs/performance.md, "Playground"). Its results are
/// those of TensorPrimitives' own scalar path, which a desktop without SIMD (DOTNET_EnableHWIntrinsic=0) runs; they
/// may differ from the vectorised path's in the last bit, as the vectorised paths of different machines (with and
/// without FMA) already do. Exactly rounded ops (add, multiply, max) keep TensorPrimitives everywhere: the
/// interpreter has intrinsics for their vector steps.
/// </summary>
internal static class ScalarMath
{
    /// <summary>
    /// Whether the element-by-element loops run: in the browser, or where BACKPROP_SCALAR_MATH=1 (the tests run the
    /// kernel tests so on the desktop). Read once per process.
    /// </summary>
    public static readonly bool Preferred =
        OperatingSystem.IsBrowser() || Environment.GetEnvironmentVariable("BACKPROP_SCALAR_MATH") == "1";

    /// <summary>
    /// Whether T's span ops take the loops: float only. Float64 keeps the vectorised path in the browser too, where
    /// its results have matched the desktop's bit for bit (the playground's 3×3 Adam page is checked against the lab
    /// to the last bit) and where speed matters little (the playground's float64 tensors have a handful of elements).
    /// </summary>
    public static bool Takes<T>() => Preferred && typeof(T) == typeof(float);

    /// <summary>destination[i] = TOp(x[i]); destination may be x itself.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply<T, TOp>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T> where TOp : IUnaryOp
    {
        if (x.Length != destination.Length) throw new ArgumentException("ScalarMath: the source and destination differ in length");
        if (typeof(T) == typeof(float) && Float(MemoryMarshal.Cast<T, float>(x), MemoryMarshal.Cast<T, float>(destination), typeof(TOp))) return;
        for (int i = 0; i < destination.Length; i++) destination[i] = TOp.Invoke(x[i]);
    }

    /// <summary>
    /// The float loops written out with MathF: the same arithmetic as the ops' generic scalar forms, bit for bit,
    /// without the generic-math calls (T.One, unary minus) that keep the interpreter from tracing the loop (a 2^20
    /// sigmoid: 53 ms through the generic form, mostly in the interpreter's dispatch loop). False for other ops.
    /// </summary>
    private static bool Float(ReadOnlySpan<float> x, Span<float> d, Type op)
    {
        if (op == typeof(SigmoidOp)) for (int i = 0; i < d.Length; i++) d[i] = 1f / (1f + MathF.Exp(-x[i]));
        else if (op == typeof(ExpOp)) for (int i = 0; i < d.Length; i++) d[i] = MathF.Exp(x[i]);
        else if (op == typeof(TanhOp)) for (int i = 0; i < d.Length; i++) d[i] = MathF.Tanh(x[i]);
        else if (op == typeof(LogOp)) for (int i = 0; i < d.Length; i++) d[i] = MathF.Log(x[i]);
        else if (op == typeof(SinOp)) for (int i = 0; i < d.Length; i++) d[i] = MathF.Sin(x[i]);
        else if (op == typeof(CosOp)) for (int i = 0; i < d.Length; i++) d[i] = MathF.Cos(x[i]);
        else return false;
        return true;
    }
}
