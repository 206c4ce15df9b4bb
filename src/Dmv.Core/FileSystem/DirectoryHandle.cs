using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Unicode;

namespace Dmv.Core.FileSystem;

/// <summary>
/// An open directory: its entries read with getdents64 (types from d_type, no stat per entry),
/// and its children opened with openat, so a walk looks up one name per call rather than a
/// whole path. Children are opened with O_NOFOLLOW: a walk never passes through a link.
/// </summary>
internal partial struct DirectoryHandle : IDisposable
{
    private int _descriptor;

    private DirectoryHandle(int descriptor, string realPath)
    {
        _descriptor = descriptor;
        RealPath = realPath;
    }

    public string RealPath { get; }

    public readonly bool IsOpen => _descriptor > 0;

    /// <summary>Opens a child directory; a link in its place fails (ELOOP or ENOTDIR) rather than being followed.</summary>
    public readonly bool TryOpenChild(string name, out DirectoryHandle child, out int errno) =>
        TryOpenChild(name, RealPath + "/" + name, out child, out errno);

    /// <summary>As <see cref="TryOpenChild(string, out DirectoryHandle, out int)"/>, with the child's real path already made.</summary>
    public readonly bool TryOpenChild(string name, string childRealPath, out DirectoryHandle child, out int errno) =>
        Opened(OpenAt(name, NativeMethods.O_RDONLY | NativeMethods.O_DIRECTORY | NativeMethods.O_NOFOLLOW | NativeMethods.O_CLOEXEC), childRealPath, out child, out errno);

    /// <summary>openat(2) of an entry of this folder, its name encoded on the stack when it fits (the catalog walk opens thousands): the descriptor, or -1 with the errno left for the caller.</summary>
    private readonly unsafe int OpenAt(string name, int flags)
    {
        int size = NativePath.BufferSize(name);
        Span<byte> path = NativePath.FitsOnStack(size) ? stackalloc byte[size] : new byte[size];
        NativePath.Encode(name, path);
        fixed (byte* bytes = path)
        {
            return NativeMethods.OpenAt(_descriptor, bytes, flags);
        }
    }

    /// <summary>
    /// Appends every entry but "." and ".." that <paramref name="keep"/> accepts (all when null).
    /// <paramref name="buffer"/> is scratch space, reused across calls.
    /// </summary>
    public readonly unsafe bool TryList(List<DirectoryEntry> entries, byte[] buffer, out int errno, EntryFilter? keep = null)
    {
        while (true)
        {
            nint count;
            fixed (byte* data = buffer)
            {
                count = NativeMethods.GetDents64(NativeMethods.SYS_getdents64, _descriptor, data, buffer.Length);
            }

            if (count < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                if (errno == NativeMethods.EINTR)
                {
                    continue;
                }

                return false;
            }

            if (count == 0)
            {
                errno = 0;
                return true;
            }

            int offset = 0;
            while (offset < count)
            {
                ReadOnlySpan<byte> record = buffer.AsSpan(offset, (int)count - offset);
                int length = BinaryPrimitives.ReadUInt16LittleEndian(record[NativeMethods.DirentLengthOffset..]);
                if (length <= NativeMethods.DirentNameOffset || length > record.Length)
                {
                    errno = Errno.EIO;
                    return false;
                }

                ReadOnlySpan<byte> name = record[NativeMethods.DirentNameOffset..length];
                int end = name.IndexOf((byte)0);
                if (end >= 0)
                {
                    name = name[..end];
                }

                offset += length;
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                {
                    continue;
                }

                byte type = record[NativeMethods.DirentTypeOffset];
                if (keep is not null && type != NativeMethods.DT_UNKNOWN && !keep(name, KindOf(type)))
                {
                    continue;
                }

                bool valid = Utf8.IsValid(name);
                string text = Encoding.UTF8.GetString(name);
                entries.Add(new DirectoryEntry(text, KindOf(type, text, valid), valid));
            }
        }
    }

    /// <summary>
    /// Reads a file of this directory (see <see cref="FileContent.ReadAll"/>), never through a link
    /// (O_NOFOLLOW) and never waiting on a FIFO (O_NONBLOCK). For an entry the listing said is a
    /// regular file (a short read that is not a whole page is then its end); with
    /// <paramref name="verify"/>, whatever was swapped into its place since is refused (EINVAL) before
    /// a byte is read. (The catalog walk does without: its folders are root's, and d_type said.)
    /// </summary>
    public readonly bool TryReadFile(string name, int maxBytes, ref byte[] buffer, out int length, out int errno, bool regularFile = false, bool verify = false)
    {
        length = 0;
        int descriptor = OpenAt(name, NativeMethods.O_RDONLY | NativeMethods.O_NONBLOCK | NativeMethods.O_NOFOLLOW | NativeMethods.O_CLOEXEC);
        if (descriptor < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            DescriptorsExhaustedException.ThrowIfExhausted(errno, RealPath + "/" + name);
            return false;
        }

        if (verify && (DescriptorStatus(descriptor, out FileStatus status) != 0 || !status.IsRegular))
        {
            NativeMethods.Close(descriptor);
            errno = Errno.EINVAL;
            return false;
        }

        return FileContent.ReadAll(descriptor, maxBytes, ref buffer, out length, out errno, regularFile);
    }

    /// <summary>fsync(2) on the folder: 0 or the errno.</summary>
    public readonly int Sync() => NativeMethods.FileSync(_descriptor) == 0 ? 0 : Marshal.GetLastPInvokeError();

    public void Dispose()
    {
        if (_descriptor > 0)
        {
            NativeMethods.Close(_descriptor);
            _descriptor = 0;
        }
    }

    private static bool Opened(int descriptor, string realPath, out DirectoryHandle handle, out int errno)
    {
        if (descriptor < 0)
        {
            errno = Marshal.GetLastPInvokeError();
            DescriptorsExhaustedException.ThrowIfExhausted(errno, realPath);
            handle = default;
            return false;
        }

        errno = 0;
        handle = new DirectoryHandle(descriptor, realPath);
        return true;
    }

    private static EntryKind KindOf(byte type) => type switch
    {
        NativeMethods.DT_DIR => EntryKind.Directory,
        NativeMethods.DT_LNK => EntryKind.Link,
        NativeMethods.DT_REG or NativeMethods.DT_UNKNOWN => EntryKind.File,
        _ => EntryKind.Special,
    };

    private readonly EntryKind KindOf(byte type, string name, bool nameIsValid) => type switch
    {
        NativeMethods.DT_DIR => EntryKind.Directory,
        NativeMethods.DT_LNK => EntryKind.Link,
        NativeMethods.DT_UNKNOWN when nameIsValid => Probe(name),
        NativeMethods.DT_REG or NativeMethods.DT_UNKNOWN => EntryKind.File,
        _ => EntryKind.Special,
    };

    /// <summary>Some file systems leave d_type unknown; then ask the entry itself, by name in this folder.</summary>
    private readonly EntryKind Probe(string name) => Status(name, out FileStatus status) != 0 ? EntryKind.File : status.Kind;
}
