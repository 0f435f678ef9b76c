using Microsoft.JSInterop;

namespace Backprop.Playground.Speed;

/// <summary>
/// <see cref="KernelTimings"/> called from JavaScript, no page and no link: the speed measurement runs
/// DotNet.invokeMethodAsync('Backprop.Playground', 'MeasureKernel', name, repetitions, roundMs) in the published app.
/// Compiled only with -p:PlaygroundSpeed=true.
/// </summary>
public static class KernelTimingsInterop
{
    [JSInvokable("KernelNames")]
    public static string[] Names() => [.. KernelTimings.Names];

    [JSInvokable("MeasureKernel")]
    public static string Measure(string name, int repetitions, double roundMs) => KernelTimings.Measure(name, repetitions, roundMs);
}
