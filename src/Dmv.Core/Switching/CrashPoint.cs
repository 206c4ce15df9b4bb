using System.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Switching;

/// <summary>
/// A fault point of the test build: counts the durable steps of a switch and, when the count
/// reaches the step DRIVER_TOOL_TEST_CRASH_AFTER names, kills the process with SIGKILL, as a power
/// cut or `kill -9` would stop it. In the shipped build it does nothing and reads no environment:
/// <see cref="Passed"/> is compiled only into the test build.
/// </summary>
internal sealed class CrashPoint
{
    private readonly int _crashAfter;
#pragma warning disable CS0649, CS0169 // counted only in the test build
    private int _steps;
#pragma warning restore CS0649, CS0169

    private CrashPoint(int crashAfter) => _crashAfter = crashAfter;

    public static CrashPoint Disarmed => new(0);

    /// <summary>Armed from the environment in the test build; disarmed in the shipped one.</summary>
    public static CrashPoint FromEnvironment()
    {
#if TEST_SEAMS
        return new(int.TryParse(Environment.GetEnvironmentVariable("DRIVER_TOOL_TEST_CRASH_AFTER"), out int step) && step > 0 ? step : 0);
#else
        return Disarmed;
#endif
    }

    [Conditional("TEST_SEAMS")]
    public void Passed()
    {
        _steps++;
        if (_crashAfter > 0 && _steps == _crashAfter)
        {
            const int SIGKILL = 9;
            NativeMethods.Kill(NativeMethods.GetProcessId(), SIGKILL);
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
