using Dmv.Core.FileSystem;

namespace Dmv.Core.Selection;

/// <summary>
/// A test-only fault point: counts the durable steps of a switch and, when the count reaches the
/// chosen step, kills the process with SIGKILL, as a power cut or `kill -9` would stop it. The CLI
/// arms it from DRIVER_TOOL_TEST_CRASH_AFTER; unarmed it only counts.
/// </summary>
public sealed class CrashPoint
{
    private const int SIGKILL = 9;
    private readonly int _crashAfter;
    private int _steps;

    public CrashPoint(int crashAfter = 0) => _crashAfter = crashAfter;

    public static CrashPoint Disarmed => new();

    public void Passed()
    {
        _steps++;
        if (_crashAfter > 0 && _steps == _crashAfter)
        {
            NativeMethods.Kill(NativeMethods.GetProcessId(), SIGKILL);
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
