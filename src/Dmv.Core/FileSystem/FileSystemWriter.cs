using System.Runtime.InteropServices;

namespace Dmv.Core.FileSystem;

/// <summary>
/// The few writes driver-tool makes — links, renames, removals, small files, folder syncs — as
/// libc calls on real paths (already resolved inside the root), each reporting its errno.
/// </summary>
public static unsafe class FileSystemWriter
{
    private const int LOCK_EX = 2;
    private const int LOCK_NB = 4;
    private const int LOCK_SH = 1;
    private const int EWOULDBLOCK = 11;

    public static int CreateSymbolicLink(string target, string realPath) =>
        WithPaths(target, realPath, &NativeMethods.SymbolicLink);

    /// <summary>rename(2): atomic, replaces <paramref name="to"/> if it exists.</summary>
    public static int Rename(string from, string to) =>
        WithPaths(from, to, &NativeMethods.Rename);

    public static int Unlink(string realPath) => WithPath(realPath, &NativeMethods.Unlink);

    public static int MakeDirectory(string realPath) => WithPath(realPath, &MakeDirectory0755);

    private static int MakeDirectory0755(byte* path) => NativeMethods.MakeDirectory(path, 0x1ED);

    /// <summary>Creates every missing folder of <paramref name="realPath"/> below <paramref name="realRoot"/>.</summary>
    public static int MakeDirectories(string realRoot, string realPath)
    {
        if (Directory.Exists(realPath))
        {
            return 0;
        }

        string? parent = Path.GetDirectoryName(realPath);
        if (parent is not null && parent.Length >= realRoot.Length && parent != realPath)
        {
            int errno = MakeDirectories(realRoot, parent);
            if (errno != 0)
            {
                return errno;
            }
        }

        int result = MakeDirectory(realPath);
        if (result == Errno.EEXIST && Directory.Exists(realPath))
        {
            return 0;
        }

        if (result == 0 && parent is not null)
        {
            SyncDirectory(parent);
        }

        return result;
    }

    /// <summary>fsync(2) on a folder, so that the names created, renamed or removed in it survive a power cut.</summary>
    public static int SyncDirectory(string realPath)
    {
        if (!DirectoryHandle.TryOpen(realPath, out DirectoryHandle handle, out int errno))
        {
            return errno;
        }

        using (handle)
        {
            return Sync(handle);
        }
    }

    /// <summary>Writes a small file in full through a temporary name, fsyncs it, renames it over the target and syncs the folder.</summary>
    public static int WriteFileAtomically(string realPath, ReadOnlySpan<byte> content)
    {
        string temporary = realPath + ".tmp";
        int descriptor = OpenFile(temporary, NativeMethods.O_RDWR | NativeMethods.O_CREAT | NativeMethods.O_CLOEXEC, out int errno);
        if (descriptor < 0)
        {
            return errno;
        }

        try
        {
            if (NativeMethods.Truncate(descriptor, 0) != 0)
            {
                return Marshal.GetLastPInvokeError();
            }

            fixed (byte* data = content)
            {
                int written = 0;
                while (written < content.Length)
                {
                    nint result = NativeMethods.Write(descriptor, data + written, content.Length - written);
                    if (result < 0)
                    {
                        errno = Marshal.GetLastPInvokeError();
                        if (errno == NativeMethods.EINTR)
                        {
                            continue;
                        }

                        return errno;
                    }

                    written += (int)result;
                }
            }

            if (NativeMethods.FileSync(descriptor) != 0)
            {
                return Marshal.GetLastPInvokeError();
            }
        }
        finally
        {
            NativeMethods.Close(descriptor);
        }

        errno = Rename(temporary, realPath);
        if (errno != 0)
        {
            Unlink(temporary);
            return errno;
        }

        return SyncDirectory(Path.GetDirectoryName(realPath)!);
    }

    /// <summary>Appends bytes to a file (created if missing) with O_APPEND, so concurrent appenders never interleave within a line.</summary>
    public static int Append(string realPath, ReadOnlySpan<byte> content)
    {
        int descriptor = OpenFile(realPath, NativeMethods.O_WRONLY | NativeMethods.O_APPEND | NativeMethods.O_CREAT | NativeMethods.O_CLOEXEC, out int errno);
        if (descriptor < 0)
        {
            return errno;
        }

        try
        {
            fixed (byte* data = content)
            {
                nint written = NativeMethods.Write(descriptor, data, content.Length);
                return written == content.Length ? 0 : written < 0 ? Marshal.GetLastPInvokeError() : Errno.EIO;
            }
        }
        finally
        {
            NativeMethods.Close(descriptor);
        }
    }

    /// <summary>Opens (creating if need be) a file to hold a flock on; -1 with the errno on failure.</summary>
    public static int OpenLockFile(string realPath, out int errno) =>
        OpenFile(realPath, NativeMethods.O_RDWR | NativeMethods.O_CREAT | NativeMethods.O_CLOEXEC, out errno);

    /// <summary>Opens an existing lock file read-only, for a shared lock; -1 with the errno on failure.</summary>
    public static int OpenExistingReadOnly(string realPath, out int errno) =>
        OpenFile(realPath, NativeMethods.O_RDONLY | NativeMethods.O_CLOEXEC, out errno);

    /// <summary>Tries flock(2) without waiting: 0, EWOULDBLOCK (held by another) or another errno.</summary>
    public static int TryLock(int descriptor, bool exclusive)
    {
        if (NativeMethods.FileLock(descriptor, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0)
        {
            return 0;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == EWOULDBLOCK ? Errno.EBUSY : errno;
    }

    public static void Close(int descriptor) => NativeMethods.Close(descriptor);

    private static int Sync(DirectoryHandle handle) => handle.Sync();

    private static int OpenFile(string realPath, int flags, out int errno)
    {
        int size = NativePath.BufferSize(realPath);
        Span<byte> path = NativePath.FitsOnStack(size) ? stackalloc byte[size] : new byte[size];
        NativePath.Encode(realPath, path);
        fixed (byte* name = path)
        {
            int descriptor = NativeMethods.OpenCreate(name, flags, 0x1A4 /* 0644 */);
            errno = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
            return descriptor;
        }
    }

    private static int WithPath(string realPath, delegate*<byte*, int> call)
    {
        int size = NativePath.BufferSize(realPath);
        Span<byte> path = NativePath.FitsOnStack(size) ? stackalloc byte[size] : new byte[size];
        NativePath.Encode(realPath, path);
        fixed (byte* name = path)
        {
            return call(name) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    private static int WithPaths(string first, string second, delegate*<byte*, byte*, int> call)
    {
        int firstSize = NativePath.BufferSize(first);
        int secondSize = NativePath.BufferSize(second);
        Span<byte> a = NativePath.FitsOnStack(firstSize) ? stackalloc byte[firstSize] : new byte[firstSize];
        Span<byte> b = NativePath.FitsOnStack(secondSize) ? stackalloc byte[secondSize] : new byte[secondSize];
        NativePath.Encode(first, a);
        NativePath.Encode(second, b);
        fixed (byte* pa = a)
        fixed (byte* pb = b)
        {
            return call(pa, pb) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }
}
