using System.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.State;

/// <summary>
/// An flock(2) on a file in <see cref="StateDirectory"/>. Writers hold it exclusively while they
/// change the tree, readers hold it shared while they read, so a reader never sees a driver half
/// switched. Waiting is bounded: past the bound the caller gets EBUSY.
/// </summary>
public sealed class HostLock : IDisposable
{
    private int _descriptor;

    private HostLock(int descriptor) => _descriptor = descriptor;

    public static bool TryAcquire(string realPath, bool exclusive, TimeSpan timeout, out HostLock? held, out int errno, out string reason)
    {
        held = null;
        reason = "";
        int descriptor = exclusive
            ? FileSystemWriter.OpenLockFile(realPath, out errno)
            : FileSystemWriter.OpenExistingReadOnly(realPath, out errno);
        if (descriptor < 0)
        {
            reason = $"{realPath}: {Errno.Describe(errno)}";
            return false;
        }

        var clock = Stopwatch.StartNew();
        int pause = 2;
        while (true)
        {
            errno = FileSystemWriter.TryLock(descriptor, exclusive);
            if (errno == 0)
            {
                held = new HostLock(descriptor);
                return true;
            }

            if (errno != Errno.EBUSY || clock.Elapsed >= timeout)
            {
                FileSystemWriter.Close(descriptor);
                reason = errno == Errno.EBUSY
                    ? $"{realPath}: another driver-tool is changing the tree; gave up after {timeout.TotalSeconds:0.#} s"
                    : $"{realPath}: {Errno.Describe(errno)}";
                return false;
            }

            Thread.Sleep(Math.Min(pause, Math.Max(1, (int)(timeout - clock.Elapsed).TotalMilliseconds)));
            pause = Math.Min(pause * 2, 50);
        }
    }

    public void Dispose()
    {
        if (_descriptor > 0)
        {
            FileSystemWriter.Close(_descriptor);
            _descriptor = 0;
        }
    }
}
