using System.Runtime.InteropServices;

namespace Dmv.Core.FileSystem;

/// <summary>
/// The writes driver-tool makes, each by name relative to this open folder (symlinkat, renameat,
/// unlinkat, openat with O_NOFOLLOW): once the folder was resolved inside the root, a link swapped
/// in anywhere above it cannot redirect a write. Every call returns 0 or the errno.
/// </summary>
internal partial struct DirectoryHandle
{
    private const int LinkBufferSize = 4096;

    /// <summary>Wraps a descriptor the root abstraction resolved; this handle now owns it.</summary>
    internal static DirectoryHandle FromDescriptor(int descriptor, string realPath) => new(descriptor, realPath);

    public readonly unsafe int CreateLink(string target, string name)
    {
        byte[] to = NativePath.ToBytes(target), at = NativePath.ToBytes(name);
        fixed (byte* t = to)
        fixed (byte* n = at)
        {
            return NativeMethods.SymbolicLinkAt(t, _descriptor, n) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>renameat(2) within this folder: atomic, replaces <paramref name="to"/> if it exists.</summary>
    public readonly unsafe int Rename(string from, string to)
    {
        byte[] a = NativePath.ToBytes(from), b = NativePath.ToBytes(to);
        fixed (byte* pa = a)
        fixed (byte* pb = b)
        {
            return NativeMethods.RenameAt(_descriptor, pa, _descriptor, pb) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>unlinkat(2) of a file or link (never a folder).</summary>
    public readonly unsafe int Remove(string name)
    {
        byte[] bytes = NativePath.ToBytes(name);
        fixed (byte* n = bytes)
        {
            return NativeMethods.UnlinkAt(_descriptor, n, 0) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    public readonly unsafe int MakeDirectory(string name, int mode)
    {
        byte[] bytes = NativePath.ToBytes(name);
        fixed (byte* n = bytes)
        {
            return NativeMethods.MakeDirectoryAt(_descriptor, n, mode) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>The target text of a link in this folder; false with EINVAL when the entry is not a link.</summary>
    public readonly unsafe bool TryReadLink(string name, out string target, out int errno)
    {
        byte[] bytes = NativePath.ToBytes(name);
        Span<byte> buffer = stackalloc byte[LinkBufferSize];
        nint length;
        fixed (byte* n = bytes)
        fixed (byte* b = buffer)
        {
            length = NativeMethods.ReadLinkAt(_descriptor, n, b, buffer.Length);
        }

        target = "";
        if (length < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return false;
        }

        if (length >= buffer.Length || !System.Text.Unicode.Utf8.IsValid(buffer[..(int)length]))
        {
            errno = length >= buffer.Length ? Errno.ENAMETOOLONG : Errno.EINVAL;
            return false;
        }

        errno = 0;
        target = System.Text.Encoding.UTF8.GetString(buffer[..(int)length]);
        return true;
    }

    /// <summary>
    /// Lists the folder from its first entry, whatever an earlier listing through this descriptor
    /// read: a descriptor kept open for a whole command (see <see cref="OpenFolders"/>) is listed
    /// more than once, and getdents64 goes on from where the last call stopped.
    /// </summary>
    public readonly bool TryListFromStart(List<DirectoryEntry> entries, byte[] buffer, out int errno)
    {
        if (NativeMethods.Seek(_descriptor, 0, 0) < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return false;
        }

        return TryList(entries, buffer, out errno);
    }

    /// <summary>True when an entry of that name exists in any form (a dangling link included).</summary>
    public readonly bool Contains(string name) => Status(name, out _) != Errno.ENOENT;

    /// <summary>fstatat(2) of an entry, not following a link.</summary>
    public readonly unsafe int Status(string name, out FileStatus status)
    {
        byte[] bytes = NativePath.ToBytes(name);
        fixed (byte* n = bytes)
        {
            return FileStatus.At(_descriptor, n, NativeMethods.AT_SYMLINK_NOFOLLOW, out status);
        }
    }

    /// <summary>fstat(2) of this folder itself.</summary>
    public readonly int Status(out FileStatus status) => DescriptorStatus(_descriptor, out status);

    /// <summary>
    /// Opens a file of this folder, never through a link (O_NOFOLLOW) and never waiting on a FIFO
    /// (O_NONBLOCK): -1 with the errno, or the descriptor.
    /// </summary>
    public readonly unsafe int OpenFile(string name, int flags, int mode, out int errno)
    {
        byte[] bytes = NativePath.ToBytes(name);
        fixed (byte* n = bytes)
        {
            int descriptor = NativeMethods.OpenAtCreate(_descriptor, n, flags | NativeMethods.O_NOFOLLOW | NativeMethods.O_NONBLOCK | NativeMethods.O_CLOEXEC, mode);
            errno = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
            DescriptorsExhaustedException.ThrowIfExhausted(errno, RealPath + "/" + name);
            return descriptor;
        }
    }

    /// <summary>
    /// Writes a small file in full: a fresh temporary NAME.tmp with exactly <paramref name="mode"/>,
    /// fsynced, renamed over NAME, then the folder fsynced, so NAME is always either the old or the
    /// new content, and survives a power cut once this returns. Without <paramref name="exactMode"/>
    /// the mode is only asked for (a FAT file system, where the boot loader's files live, has none to set).
    /// </summary>
    public readonly unsafe int WriteFileAtomically(string name, ReadOnlySpan<byte> content, int mode, bool exactMode = true)
    {
        string temporary = name + ".tmp";
        int removed = Remove(temporary);
        if (removed != 0 && removed != Errno.ENOENT)
        {
            return removed;
        }

        int descriptor = OpenFile(temporary, NativeMethods.O_WRONLY | NativeMethods.O_CREAT | NativeMethods.O_EXCL, mode, out int errno);
        if (descriptor < 0)
        {
            return errno;
        }

        try
        {
            // The umask may have taken bits away: the mode is what the file must have, not a wish.
            errno = !exactMode || NativeMethods.ChangeMode(descriptor, mode) == 0 ? WriteAll(descriptor, content) : Marshal.GetLastPInvokeError();
            if (errno == 0 && NativeMethods.FileSync(descriptor) != 0)
            {
                errno = Marshal.GetLastPInvokeError();
            }
        }
        finally
        {
            NativeMethods.Close(descriptor);
        }

        errno = errno == 0 ? Rename(temporary, name) : errno;
        if (errno != 0)
        {
            Remove(temporary);
            return errno;
        }

        return Sync();
    }

    /// <summary>
    /// Rewrites a regular file of exactly <paramref name="content"/>'s size in place (no new blocks
    /// needed: for a full file system), then fsyncs it: 0 or the errno (EINVAL when it is not such a file).
    /// </summary>
    public readonly unsafe int Overwrite(string name, ReadOnlySpan<byte> content)
    {
        if (Status(name, out FileStatus before) != 0 || !before.IsRegular || before.Size != content.Length)
        {
            return Errno.EINVAL;
        }

        int descriptor = OpenFile(name, NativeMethods.O_WRONLY, 0, out int errno);
        if (descriptor < 0)
        {
            return errno;
        }

        try
        {
            errno = DescriptorStatus(descriptor, out FileStatus status);
            if (errno != 0 || !status.IsRegular || status.Size != content.Length)
            {
                return errno != 0 ? errno : Errno.EINVAL;
            }

            errno = WriteAll(descriptor, content);
            return errno != 0 ? errno : NativeMethods.FileSync(descriptor) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            NativeMethods.Close(descriptor);
        }
    }

    /// <summary>
    /// Appends to a regular file (created with <paramref name="mode"/> if missing) with O_APPEND, so
    /// concurrent appenders never interleave within a line. With <paramref name="onNewLine"/>, a file
    /// whose last line a power cut left without its newline gets one first, so the new line is not glued to it.
    /// </summary>
    public readonly unsafe int Append(string name, ReadOnlySpan<byte> content, int mode, bool onNewLine = false)
    {
        // A device or FIFO in the file's place is not opened at all (opening one can act, or wait).
        if (Status(name, out FileStatus before) == 0 && before.Kind == EntryKind.Special)
        {
            return Errno.EINVAL;
        }

        int descriptor = OpenFile(name, (onNewLine ? NativeMethods.O_RDWR : NativeMethods.O_WRONLY) | NativeMethods.O_APPEND | NativeMethods.O_CREAT, mode, out int errno);
        if (descriptor < 0)
        {
            return errno;
        }

        try
        {
            errno = DescriptorStatus(descriptor, out FileStatus status);
            if (errno != 0 || !status.IsRegular)
            {
                return errno != 0 ? errno : Errno.EINVAL;
            }

            byte last = (byte)'\n';
            // One write, so no other appender's line can come between the newline and this line.
            errno = onNewLine && status.Size > 0 && NativeMethods.PositionedRead(descriptor, &last, 1, status.Size - 1) == 1 && last != (byte)'\n'
                ? WriteAll(descriptor, [(byte)'\n', .. content])
                : WriteAll(descriptor, content);

            // Durable before the command says it is done, like the switch it records.
            return errno != 0 ? errno : NativeMethods.FileSync(descriptor) == 0 ? 0 : Marshal.GetLastPInvokeError();
        }
        finally
        {
            NativeMethods.Close(descriptor);
        }
    }

    /// <summary>Whether the folder is immutable or append-only (chattr +i, +a): then entries in it cannot be renamed or removed. False where the file system has no such flags.</summary>
    public readonly unsafe bool RefusesRenames()
    {
        int flags = 0;
        return NativeMethods.IoControl(_descriptor, NativeMethods.FS_IOC_GETFLAGS, &flags) == 0
            && (flags & (NativeMethods.FS_IMMUTABLE_FL | NativeMethods.FS_APPEND_FL)) != 0;
    }

    /// <summary>The magic number of the file system this folder is on (fstatfs(2) f_type): 0 or the errno.</summary>
    public readonly unsafe int FileSystemType(out long magic)
    {
        // struct statfs is 120 bytes on x86_64 and aarch64; f_type is its first field.
        byte* buffer = stackalloc byte[128];
        magic = 0;
        if (NativeMethods.FileSystemStatus(_descriptor, buffer) != 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        magic = *(long*)buffer;
        return 0;
    }

    /// <summary>fstat(2) of an open descriptor.</summary>
    public static unsafe int DescriptorStatus(int descriptor, out FileStatus status)
    {
        byte empty = 0;
        return FileStatus.At(descriptor, &empty, NativeMethods.AT_EMPTY_PATH, out status);
    }

    /// <summary>write(2) until all of <paramref name="content"/> is written (or an error other than EINTR): 0 or the errno.</summary>
    internal static unsafe int WriteAll(int descriptor, ReadOnlySpan<byte> content)
    {
        fixed (byte* data = content)
        {
            int written = 0;
            while (written < content.Length)
            {
                nint result = NativeMethods.Write(descriptor, data + written, content.Length - written);
                if (result < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == NativeMethods.EINTR)
                    {
                        continue;
                    }

                    return errno;
                }

                written += (int)result;
            }
        }

        return 0;
    }
}
