using Dmv.Core.Diagnostics;
using System.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.State;

/// <summary>
/// An flock(2) on a file in <see cref="StateDirectory"/>. Writers hold it exclusively while they
/// change the tree, readers hold it shared while they read, so a reader never sees a driver half
/// switched. Waiting is bounded: past the bound the caller gets EBUSY. The file is 0600 and the
/// effective user's: flock needs only a descriptor, so a lock any user could open would let any
/// user stop every switch.
/// </summary>
internal sealed class HostLock : IDisposable
{
    private const int LOCK_SH = 1;
    private const int LOCK_EX = 2;
    private const int LOCK_NB = 4;
    private const int EWOULDBLOCK = 11;

    private int _descriptor;

    private HostLock(int descriptor) => _descriptor = descriptor;

    /// <summary>The state folder (created if missing) and, in it, the lock <paramref name="name"/> held exclusively: what every writer starts with.</summary>
    public static bool TryOpenExclusive(HostRoot root, string name, TimeSpan timeout, [NotNullWhen(true)] out StateDirectory? state, [NotNullWhen(true)] out HostLock? held, [NotNullWhen(false)] out Failure? failure)
    {
        state = null;
        held = null;
        failure = null;
        if (!StateDirectory.TryOpenOrCreate(root, out StateDirectory? opened, out failure))
        {
            return false;
        }

        if (!TryAcquire(opened, name, exclusive: true, timeout, out held, out failure))
        {
            opened.Dispose();
            return false;
        }

        state = opened;
        return true;
    }

    public static bool TryAcquire(StateDirectory state, string name, bool exclusive, TimeSpan timeout, [NotNullWhen(true)] out HostLock? held, [NotNullWhen(false)] out Failure? failure)
    {
        held = null;
        failure = null;
        string path = state.PathOf(name);

        // Never open a device or FIFO standing in the lock's place: opening alone may act (a watchdog).
        if (state.Folder.Status(name, out FileStatus existing) == 0 && !existing.IsRegular)
        {
            failure = Failure.At(Errno.EUCLEAN, path, $"the lock is {existing.Description}, not a regular file; remove it");
            return false;
        }

        int descriptor = exclusive
            ? state.Folder.OpenFile(name, NativeMethods.O_RDWR | NativeMethods.O_CREAT, StateDirectory.PrivateMode, out int errno)
            : state.Folder.OpenFile(name, NativeMethods.O_RDONLY, 0, out errno);
        if (descriptor < 0)
        {
            failure = Failure.At(errno, path, Errno.Describe(errno));
            return false;
        }

        string? problem = CheckLockFile(descriptor, path, exclusive, out errno);
        if (problem is not null)
        {
            NativeMethods.Close(descriptor);
            failure = new Failure(errno, problem);
            return false;
        }

        var clock = Stopwatch.StartNew();
        int pause = 2;
        while (true)
        {
            errno = TryLock(descriptor, exclusive);
            if (errno == 0)
            {
                held = new HostLock(descriptor);
                return true;
            }

            if (errno != Errno.EBUSY || clock.Elapsed >= timeout)
            {
                NativeMethods.Close(descriptor);
                failure = Failure.At(errno, path, errno == Errno.EBUSY
                    ? $"another driver-tool is changing the tree; gave up after {timeout.TotalSeconds:0.#} s"
                    : Errno.Describe(errno));
                return false;
            }

            Thread.Sleep(Math.Min(pause, Math.Max(1, (int)(timeout - clock.Elapsed).TotalMilliseconds)));
            pause = Math.Min(pause * 2, 50);
        }
    }

    /// <summary>A lock file must be a regular file of the effective user's; a writer also narrows an older, wider mode to 0600.</summary>
    private static string? CheckLockFile(int descriptor, string path, bool exclusive, out int errno)
    {
        errno = DirectoryHandle.DescriptorStatus(descriptor, out FileStatus status);
        if (errno != 0)
        {
            return $"{path}: {Errno.Describe(errno)}";
        }

        errno = Errno.EUCLEAN;
        if (!status.IsRegular)
        {
            return $"{path}: the lock is {status.Description}, not a regular file; remove it";
        }

        if (status.Owner != StateDirectory.EffectiveUser)
        {
            // Another user's lock could be held by that user for ever; a reader then reads without it.
            return StateDirectory.Distrust(path, "lock", status);
        }

        if (exclusive && status.Permissions != StateDirectory.PrivateMode && NativeMethods.ChangeMode(descriptor, StateDirectory.PrivateMode) != 0)
        {
            errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            return $"{path}: cannot make the lock private: {Errno.Describe(errno)}";
        }

        errno = 0;
        return null;
    }

    private static int TryLock(int descriptor, bool exclusive)
    {
        if (NativeMethods.FileLock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
        {
            return 0;
        }

        int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        return errno == EWOULDBLOCK ? Errno.EBUSY : errno;
    }

    public void Dispose()
    {
        if (_descriptor > 0)
        {
            NativeMethods.Close(_descriptor);
            _descriptor = 0;
        }
    }
}
