using System.Runtime.CompilerServices;

namespace Backprop.Lab.Tests;

/// <summary>
/// The lab's language defaults to the environment's (LANG); the tests that read its English texts must not depend on the
/// locale of the machine running them, so the test process speaks the C locale. Tests of another language pass --lang.
/// </summary>
internal static class EnglishByDefault
{
    [ModuleInitializer]
    internal static void UseTheCLocale()
    {
        Environment.SetEnvironmentVariable("LC_ALL", "C.UTF-8");
        Environment.SetEnvironmentVariable("LC_MESSAGES", null);
        Environment.SetEnvironmentVariable("LANG", "C.UTF-8");
    }
}
