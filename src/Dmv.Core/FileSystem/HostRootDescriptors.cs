using System.Runtime.InteropServices;
using Dmv.Core.Diagnostics;

namespace Dmv.Core.FileSystem;

/// <summary>
/// Every file and folder driver-tool reads or writes on the managed system is opened here, by
/// descriptor, relative to the root held open for the command. openat2(2) with RESOLVE_BENEATH
/// resolves the whole path in the kernel, with no window between looking and opening, and refuses
/// any link that leaves the root; an absolute link (which RESOLVE_BENEATH refuses too) and a kernel
/// without openat2 (before 5.6, or a seccomp filter) take a walk that opens one component at a time
/// with O_NOFOLLOW, reads each link with readlinkat, goes on from the root for an absolute target and
/// refuses a ".." above the root. Both give the answer <see cref="Resolve"/> gives: absolute targets
/// re-rooted, climbing ones refused with EXDEV. A regular file is opened only after it was seen to be
/// one (O_PATH, fstat, then reopened), so no device or FIFO planted in a tree is ever opened for real.
/// </summary>
internal sealed partial class HostRoot
{
    private const int FolderMode = 0x1ED; // 0755
    private const int ENOSYS = 38;
    private const int EAGAIN = 11;
    private const int E2BIG = 7;

    private readonly bool _useOpenat2 = true;

    /// <summary>What an open at the end of a path must find.</summary>
    private enum Want
    {
        Directory,
        RegularFile,

        /// <summary>Anything, followed through links, for fstat only (O_PATH: nothing is opened for real).</summary>
        Anything,

        /// <summary>Opened for reading without looking first, non-blocking: only to reopen a file already seen to be regular.</summary>
        Unchecked,
    }

    /// <summary>
    /// Opens the folder at <paramref name="hostPath"/> inside the root; with <paramref name="create"/>,
    /// missing folders are made (<paramref name="mode"/>, default 0755) and their parents fsynced.
    /// The handle's path (for messages and identity) is where the folder really is.
    /// </summary>
    public bool TryOpenDirectory(string hostPath, bool create, out DirectoryHandle handle, [NotNullWhen(false)] out Failure? failure, int mode = FolderMode)
    {
        handle = default;
        int descriptor = Open(hostPath, Want.Directory, create, mode, out failure);
        if (failure is not null)
        {
            return false;
        }

        PathResolution real = Resolve(hostPath);
        handle = DirectoryHandle.FromDescriptor(descriptor, real.RealPath ?? RealPathOf(hostPath));
        return true;
    }

    /// <summary>Opens a regular file for reading; anything else (a folder, FIFO, device, socket) is refused without being opened.</summary>
    /// <param name="expected">What the caller calls the file, for the refusal ("a directory, not a module file").</param>
    public bool TryOpenFile(string hostPath, out FileHandle file, [NotNullWhen(false)] out Failure? failure, string expected = "regular file")
    {
        int descriptor = Open(hostPath, Want.RegularFile, create: false, 0, out failure, out _, expected);
        file = failure is not null ? default : new FileHandle(descriptor);
        return failure is null;
    }

    /// <summary>
    /// Reads a whole regular file (at most <paramref name="maxBytes"/>, else EFBIG, known from its size
    /// before a byte is read) into <paramref name="buffer"/>, grown once to its size. With
    /// <paramref name="toEnd"/>, reads until read(2) returns 0 whatever the size says (a procfs file).
    /// </summary>
    public bool TryReadFile(string hostPath, int maxBytes, ref byte[] buffer, out int length, [NotNullWhen(false)] out Failure? failure, bool toEnd = false)
    {
        length = 0;
        int descriptor = Open(hostPath, Want.RegularFile, create: false, 0, out failure, out FileStatus status);
        if (failure is not null)
        {
            return false;
        }

        if (status.Size > 0)
        {
            if (status.Size > maxBytes)
            {
                NativeMethods.Close(descriptor);
                failure = Failure.At(Errno.EFBIG, RealPathOf(hostPath), $"larger than {maxBytes} bytes");
                return false;
            }

            if (buffer.Length <= status.Size)
            {
                buffer = new byte[status.Size + 1];
            }
        }

        if (!FileContent.ReadAll(descriptor, maxBytes, ref buffer, out length, out int errno, regularFile: !toEnd))
        {
            failure = ReadFailure(hostPath, errno, maxBytes);
            return false;
        }

        return true;
    }

    /// <summary>
    /// Reads a sysfs or procfs attribute: the file is opened without the regular-file check (sysfs
    /// attributes are regular files, but a pseudo-file system's reported sizes mean nothing), and a
    /// short read that is not a whole page is its end.
    /// </summary>
    public bool TryReadAttribute(string hostPath, int maxBytes, ref byte[] buffer, out int length, [NotNullWhen(false)] out Failure? failure)
    {
        if (!IsSystemRoot)
        {
            // A tree under --root is only files: what stands in an attribute's place is checked like any file.
            return TryReadFile(hostPath, maxBytes, ref buffer, out length, out failure);
        }

        // The running kernel's own sysfs: one open, as a reader of sysfs expects to pay.
        length = 0;
        int descriptor = Open(hostPath, Want.Unchecked, create: false, 0, out failure);
        if (failure is not null)
        {
            return false;
        }

        if (!FileContent.ReadAll(descriptor, maxBytes, ref buffer, out length, out int errno, regularFile: true))
        {
            failure = ReadFailure(hostPath, errno, maxBytes);
            return false;
        }

        return true;
    }

    private Failure ReadFailure(string hostPath, int errno, int maxBytes) =>
        Failure.At(errno, RealPathOf(hostPath), errno == Errno.EFBIG ? $"larger than {maxBytes} bytes" : Errno.Describe(errno));

    /// <summary>fstat of what a host path leads to, links followed inside the root; nothing is opened for real.</summary>
    public bool TryStatus(string hostPath, out FileStatus status, [NotNullWhen(false)] out Failure? failure)
    {
        status = default;
        int descriptor = Open(hostPath, Want.Anything, create: false, 0, out failure);
        if (failure is not null)
        {
            return false;
        }

        int errno = DirectoryHandle.DescriptorStatus(descriptor, out status);
        NativeMethods.Close(descriptor);
        failure = errno == 0 ? null : Failure.At(errno, RealPathOf(hostPath), Errno.Describe(errno));
        return failure is null;
    }

    /// <summary>Appends the entries of the folder at <paramref name="hostPath"/> (links followed inside the root).</summary>
    public bool TryList(string hostPath, List<DirectoryEntry> entries, [NotNullWhen(false)] out Failure? failure)
    {
        if (!TryOpenDirectory(hostPath, create: false, out DirectoryHandle folder, out failure))
        {
            return false;
        }

        using (folder)
        {
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(16 * 1024);
            try
            {
                if (!folder.TryList(entries, buffer, out int errno))
                {
                    failure = Failure.At(errno, folder.RealPath, Errno.Describe(errno));
                    return false;
                }

                return true;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    /// <summary>The descriptor of what <paramref name="hostPath"/> leads to inside the root, or -1 with the failure, which is about that path.</summary>
    private int Open(string hostPath, Want want, bool create, int mode, out Failure? failure) =>
        Open(hostPath, want, create, mode, out failure, out _);

    /// <param name="status">For a regular file, what fstat said of it before it was opened.</param>
    /// <param name="expected">With <see cref="Want.RegularFile"/>: what the caller calls the file, for the refusal of anything else.</param>
    private int Open(string hostPath, Want want, bool create, int mode, out Failure? failure, out FileStatus status, string expected = "regular file")
    {
        status = default;
        string? detail = null;
        int errno;
        // On the running system a path that is not absolute is the caller's own, from the working folder.
        int start = IsSystemRoot && !hostPath.StartsWith('/') ? NativeMethods.AtFdCwd : _rootDescriptor;
        string relative = hostPath.TrimStart('/');
        if (relative.Length == 0)
        {
            relative = ".";
        }

        int descriptor = -1;
        bool walk = !_useOpenat2;
        if (_useOpenat2)
        {
            descriptor = OpenBeneath(start, relative, want, out errno);
            // An absolute link (EXDEV under RESOLVE_BENEATH) is re-rooted by the walk, which also
            // refuses a climbing one with its own message; a missing folder to create is made there.
            walk = descriptor < 0 && (errno == Errno.EXDEV || Openat2Unavailable(errno) || (errno == Errno.ENOENT && create));
        }
        else
        {
            errno = 0;
        }

        if (walk)
        {
            descriptor = Walk(start, hostPath, want, create, mode, out errno, out detail);
        }

        if (descriptor >= 0 && want == Want.RegularFile)
        {
            descriptor = ReopenRegular(descriptor, hostPath, expected, out errno, out detail, out status);
        }

        failure = descriptor < 0 ? Failure.At(errno, RealPathOf(hostPath), detail ?? Errno.Describe(errno)) : null;
        return descriptor;
    }

    private unsafe int OpenBeneath(int start, string relative, Want want, out int errno)
    {
        int flags = FinalFlags(want);
        byte[] path = NativePath.ToBytes(relative);
        var how = new NativeMethods.OpenHow
        {
            Flags = (ulong)(flags | NativeMethods.O_CLOEXEC),
            // On the running system "/" is the root: links resolve as the kernel resolves them.
            Resolve = IsSystemRoot ? 0 : NativeMethods.RESOLVE_BENEATH | NativeMethods.RESOLVE_NO_MAGICLINKS,
        };
        fixed (byte* name = path)
        {
            int descriptor = NativeMethods.OpenAt2(NativeMethods.SYS_openat2, start, name, &how, (nuint)sizeof(NativeMethods.OpenHow));
            errno = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
            DescriptorsExhaustedException.ThrowIfExhausted(errno, relative);
            return descriptor;
        }
    }

    /// <summary>
    /// Turns an O_PATH descriptor of what should be a regular file into one open for reading, after
    /// fstat says it is one: through /proc/self/fd, the very file, with no window in which a device
    /// swapped into its place could be opened. Without /proc (a chroot that lacks it) the name is
    /// opened again with O_NONBLOCK and must be the same file.
    /// </summary>
    /// <param name="detail">What is wrong with the file, when the errno alone does not say it.</param>
    private unsafe int ReopenRegular(int pathDescriptor, string hostPath, string expected, out int errno, out string? detail, out FileStatus status)
    {
        detail = null;
        try
        {
            errno = DirectoryHandle.DescriptorStatus(pathDescriptor, out status);
            if (errno == 0 && !status.IsRegular)
            {
                errno = status.Kind == EntryKind.Directory ? Errno.EISDIR : Errno.EINVAL;
                detail = $"{status.Description}, not a {expected}";
            }

            if (errno != 0)
            {
                return -1;
            }

            byte[] proc = NativePath.ToBytes($"/proc/self/fd/{pathDescriptor}");
            fixed (byte* name = proc)
            {
                int descriptor = NativeMethods.OpenAt(NativeMethods.AtFdCwd, name, NativeMethods.O_RDONLY | NativeMethods.O_CLOEXEC);
                errno = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
                DescriptorsExhaustedException.ThrowIfExhausted(errno, hostPath);
                if (descriptor >= 0 || errno is not (Errno.ENOENT or Errno.EACCES or Errno.ENOTDIR))
                {
                    return descriptor;
                }
            }

            int opened = Open(hostPath, Want.Unchecked, create: false, 0, out Failure? failure);
            errno = failure?.Errno ?? 0;
            detail = failure?.Detail;
            if (opened >= 0 && (DirectoryHandle.DescriptorStatus(opened, out FileStatus now) != 0 || !now.IsRegular || now.Device != status.Device || now.Inode != status.Inode))
            {
                NativeMethods.Close(opened);
                errno = EAGAIN;
                detail = "changed while it was being opened";
                return -1;
            }

            return opened;
        }
        finally
        {
            NativeMethods.Close(pathDescriptor);
        }
    }

    private static int FinalFlags(Want want) => want switch
    {
        Want.Directory => NativeMethods.O_RDONLY | NativeMethods.O_DIRECTORY,
        Want.Unchecked => NativeMethods.O_RDONLY | NativeMethods.O_NONBLOCK,
        _ => NativeMethods.O_PATH,
    };

    /// <summary>openat2 itself is missing (ENOSYS), refused by a seccomp filter (EPERM), older than its flags (EINVAL, E2BIG) or raced (EAGAIN): walk instead.</summary>
    private static bool Openat2Unavailable(int errno) => errno is ENOSYS or Errno.EPERM or Errno.EINVAL or E2BIG or EAGAIN;
}
