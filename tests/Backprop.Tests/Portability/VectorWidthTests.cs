using System.Numerics;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Tests.Portability;

/// <summary>
/// The vector widths this process runs with follow the runtime's knobs: run by <see cref="PortablePathsTests"/> in a
/// child process with DOTNET_EnableAVX=0 (128-bit vectors only, as in the browser's WebAssembly) or
/// DOTNET_EnableHWIntrinsic=0 (scalar only), it proves the knob took effect, so the kernels there ran the portable paths.
/// </summary>
public sealed class VectorWidthTests
{
    [Fact]
    public void TheVectorWidthsFollowTheRuntimesKnobs()
    {
        bool noIntrinsics = Environment.GetEnvironmentVariable("DOTNET_EnableHWIntrinsic") == "0";
        bool noAvx = Environment.GetEnvironmentVariable("DOTNET_EnableAVX") == "0";
        if (noIntrinsics)
        {
            Assert.False(Vector128.IsHardwareAccelerated);
            Assert.False(Vector.IsHardwareAccelerated);
        }
        if (noIntrinsics || noAvx)
        {
            Assert.False(Vector256.IsHardwareAccelerated);
            Assert.False(Vector512.IsHardwareAccelerated);
            Assert.False(Avx2.IsSupported);
            Assert.False(Fma.IsSupported);
        }
        if (noAvx && !noIntrinsics && (Sse2.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported))
            Assert.True(Vector128.IsHardwareAccelerated);
        if (!noIntrinsics && !noAvx)
            // Without knobs the widths are the machine's: 256-bit vectors exactly where AVX2 is.
            Assert.Equal(Avx2.IsSupported, Vector256.IsHardwareAccelerated);
    }
}
