using System.Runtime.InteropServices;

namespace Dmv.Core.FileSystem;

/// <summary>
/// Folders opened inside the root by descriptor, for writing (and for reads that must see the same
/// folder a write then changes). openat2(2) with RESOLVE_IN_ROOT resolves the whole path as if the
/// root were "/" — absolute link targets re-rooted, ".." stopped at the root — in the kernel, with no
/// window between looking and opening. Where the kernel lacks it (before 5.6, or a seccomp filter
/// that refuses it), a walk opens one component at a time with O_NOFOLLOW, reads each link with
/// readlinkat and goes on from the root for an absolute target, and refuses a ".." above the root.
/// Either way the writer then acts on the descriptor (symlinkat, renameat, unlinkat), never on a
/// path string the kernel would resolve again.
/// </summary>
public sealed partial class HostRoot
{
    /// <summary>Set to 1 (tests only) to use the component walk even where openat2 exists.</summary>
    public const string NoOpenat2Variable = "DRIVER_TOOL_TEST_NO_OPENAT2";

    private const int FolderMode = 0x1ED; // 0755
    private const int ENOSYS = 38;
    private const int EAGAIN = 11;
    private const int E2BIG = 7;

    private readonly bool _useOpenat2;

    /// <summary>
    /// Opens the folder at <paramref name="hostPath"/> inside the root; with <paramref name="create"/>,
    /// missing folders are made (<paramref name="mode"/>, default 0755) and their parents fsynced.
    /// </summary>
    public bool TryOpenDirectory(string hostPath, bool create, out DirectoryHandle handle, out int errno, out string reason, int mode = FolderMode)
    {
        handle = default;
        reason = "";
        int root = OpenRoot(out errno);
        if (root < 0)
        {
            reason = $"{RealRoot}: {Errno.Describe(errno)}";
            return false;
        }

        try
        {
            string relative = hostPath.TrimStart('/');
            int descriptor = -1;
            bool walk = !_useOpenat2;
            if (_useOpenat2)
            {
                descriptor = OpenInRoot(root, relative.Length == 0 ? "." : relative, out errno);
                walk = descriptor < 0 && (Openat2Unavailable(errno) || (errno == Errno.ENOENT && create));
            }

            if (walk)
            {
                descriptor = Walk(root, hostPath, create, mode, out errno, out reason);
            }

            if (descriptor < 0)
            {
                reason = reason.Length > 0 ? reason : $"{RealPathOf(hostPath)}: {Errno.Describe(errno)}";
                return false;
            }

            handle = DirectoryHandle.FromDescriptor(descriptor, RealPathOf(hostPath));
            return true;
        }
        finally
        {
            NativeMethods.Close(root);
        }
    }

    /// <summary>
    /// Opens a file for reading by its host path, resolved by the kernel inside the root (openat2),
    /// never waiting on a FIFO; where openat2 is missing, the real path already resolved
    /// (<paramref name="resolvedRealPath"/>) is opened. -1 with the errno on failure.
    /// </summary>
    public int OpenFileInRoot(string hostPath, string resolvedRealPath, out int errno)
    {
        if (_useOpenat2)
        {
            int root = OpenRoot(out errno);
            if (root < 0)
            {
                return -1;
            }

            try
            {
                int descriptor = OpenInRoot(root, hostPath.TrimStart('/'), out errno, NativeMethods.O_RDONLY | NativeMethods.O_NONBLOCK | NativeMethods.O_CLOEXEC);
                if (descriptor >= 0 || !Openat2Unavailable(errno))
                {
                    return descriptor;
                }
            }
            finally
            {
                NativeMethods.Close(root);
            }
        }

        return NativePath.Open(resolvedRealPath, NativeMethods.O_RDONLY | NativeMethods.O_CLOEXEC, out errno);
    }

    /// <summary>Holds the root open for <see cref="OpenFileBeneathRoot"/>; not open where openat2 is not used.</summary>
    public RootReads OpenForReads() => new(_useOpenat2 ? OpenRoot(out _) : -1);

    /// <summary>
    /// Opens a file below a root held open, in one call, when every link on the way stays below the
    /// root (openat2 RESOLVE_BENEATH): -1 with the errno otherwise (EXDEV for an absolute or climbing
    /// link, or openat2 refused), and the caller takes its resolving path, which re-roots an
    /// absolute link and refuses a climbing one, so both paths give the same answer.
    /// </summary>
    public int OpenFileBeneathRoot(RootReads reads, string hostPath, out int errno)
    {
        if (!reads.IsOpen)
        {
            errno = ENOSYS;
            return -1;
        }

        return OpenInRoot(reads.Descriptor, hostPath.TrimStart('/'), out errno, NativeMethods.O_RDONLY | NativeMethods.O_NONBLOCK | NativeMethods.O_CLOEXEC, NativeMethods.RESOLVE_BENEATH | NativeMethods.RESOLVE_NO_MAGICLINKS);
    }

    /// <summary>
    /// Reads the file <paramref name="name"/> in the folder at <paramref name="hostDirectory"/>:
    /// resolved inside the root (a climbing link refused), then opened by the kernel inside the root,
    /// so a link swapped in between cannot lead out. A short read is the end (sysfs attributes).
    /// </summary>
    public bool TryReadFile(string hostDirectory, string name, int maxBytes, ref byte[] buffer, out int length, out int errno, out string? reason) =>
        TryReadFile(default, hostDirectory, name, maxBytes, ref buffer, out length, out errno, out reason);

    /// <summary>
    /// As <see cref="TryReadFile(string, string, int, ref byte[], out int, out int, out string?)"/>,
    /// first in one call below a root held open (<see cref="OpenFileBeneathRoot"/>): a file missing
    /// there is missing; a link that is absolute or climbs, or openat2 refused, takes the resolving path.
    /// </summary>
    public bool TryReadFile(RootReads reads, string hostDirectory, string name, int maxBytes, ref byte[] buffer, out int length, out int errno, out string? reason)
    {
        if (reads.IsOpen)
        {
            int beneath = OpenFileBeneathRoot(reads, hostDirectory + "/" + name, out errno);
            if (beneath >= 0 || errno == Errno.ENOENT)
            {
                reason = null;
                length = 0;
                return beneath >= 0 && FileContent.ReadAll(beneath, maxBytes, ref buffer, out length, out errno, regularFile: true);
            }
        }

        length = 0;
        reason = null;
        PathResolution file = ResolveFrom(hostDirectory, name);
        if (!file.Succeeded)
        {
            errno = file.Errno;
            reason = file.Reason;
            return false;
        }

        int descriptor = OpenFileInRoot(hostDirectory + "/" + name, file.RealPath!, out errno);
        return descriptor >= 0 && FileContent.ReadAll(descriptor, maxBytes, ref buffer, out length, out errno, regularFile: true);
    }

    private int OpenRoot(out int errno) =>
        NativePath.Open(IsSystemRoot ? "/" : RealRoot, NativeMethods.O_RDONLY | NativeMethods.O_DIRECTORY | NativeMethods.O_CLOEXEC, out errno);

    /// <summary>openat2 itself is missing (ENOSYS), refused by a seccomp filter (EPERM), older than its flags (EINVAL, E2BIG) or raced (EAGAIN): walk instead.</summary>
    private static bool Openat2Unavailable(int errno) => errno is ENOSYS or Errno.EPERM or Errno.EINVAL or E2BIG or EAGAIN;

    private static unsafe int OpenInRoot(int root, string relative, out int errno, int flags = NativeMethods.O_RDONLY | NativeMethods.O_DIRECTORY | NativeMethods.O_CLOEXEC, ulong resolve = NativeMethods.RESOLVE_IN_ROOT | NativeMethods.RESOLVE_NO_MAGICLINKS)
    {
        byte[] path = NativePath.ToBytes(relative);
        var how = new NativeMethods.OpenHow
        {
            Flags = (ulong)flags,
            Resolve = resolve,
        };
        fixed (byte* name = path)
        {
            int descriptor = NativeMethods.OpenAt2(NativeMethods.SYS_openat2, root, name, &how, (nuint)sizeof(NativeMethods.OpenHow));
            errno = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
            DescriptorsExhaustedException.ThrowIfExhausted(errno, relative);
            return descriptor;
        }
    }

    private unsafe int Walk(int root, string hostPath, bool create, int mode, out int errno, out string reason)
    {
        reason = "";
        var open = new List<int>();
        var pending = new Stack<string>();
        PushComponents(pending, hostPath);
        int hops = 0;
        int creations = 0;
        try
        {
            open.Add(OpenChild(root, "."u8, out errno));
            if (open[0] < 0)
            {
                open.Clear();
                return -1;
            }

            while (pending.Count > 0)
            {
                string component = pending.Pop();
                if (component == ".")
                {
                    continue;
                }

                if (component == "..")
                {
                    if (open.Count > 1)
                    {
                        NativeMethods.Close(open[^1]);
                        open.RemoveAt(open.Count - 1);
                    }
                    else if (!IsSystemRoot)
                    {
                        errno = Errno.EXDEV;
                        reason = $"'{hostPath}' leads outside the root {RealRoot}";
                        return -1;
                    }

                    continue;
                }

                DirectoryHandle current = DirectoryHandle.FromDescriptor(open[^1], "");
                byte[] name = NativePath.ToBytes(component);
                int child = OpenChild(open[^1], name, out errno);
                if (child >= 0)
                {
                    open.Add(child);
                    continue;
                }

                if (errno == Errno.ENOENT && create && creations++ < 256)
                {
                    int made = current.MakeDirectory(component, mode);
                    if (made != 0 && made != Errno.EEXIST)
                    {
                        errno = made;
                        return -1;
                    }

                    // The new name must survive a power cut before anything is written below it.
                    current.Sync();
                    pending.Push(component);
                    continue;
                }

                if (errno is Errno.ELOOP or Errno.ENOTDIR && current.TryReadLink(component, out string target, out _))
                {
                    if (++hops > 40)
                    {
                        errno = Errno.ELOOP;
                        return -1;
                    }

                    if (target.StartsWith('/'))
                    {
                        for (int i = open.Count - 1; i > 0; i--)
                        {
                            NativeMethods.Close(open[i]);
                        }

                        open.RemoveRange(1, open.Count - 1);
                    }

                    PushComponents(pending, target);
                    continue;
                }

                return -1;
            }

            int result = open[^1];
            open.RemoveAt(open.Count - 1);
            return result;
        }
        finally
        {
            foreach (int descriptor in open)
            {
                NativeMethods.Close(descriptor);
            }
        }
    }

    private static void PushComponents(Stack<string> pending, string path)
    {
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            pending.Push(parts[i]);
        }
    }

    private static unsafe int OpenChild(int directory, ReadOnlySpan<byte> name, out int errno)
    {
        Span<byte> bytes = stackalloc byte[name.Length + 1];
        name.CopyTo(bytes);
        bytes[^1] = 0;
        fixed (byte* n = bytes)
        {
            int descriptor = NativeMethods.OpenAt(directory, n, NativeMethods.O_RDONLY | NativeMethods.O_DIRECTORY | NativeMethods.O_NOFOLLOW | NativeMethods.O_CLOEXEC);
            errno = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
            DescriptorsExhaustedException.ThrowIfExhausted(errno, System.Text.Encoding.UTF8.GetString(name.TrimEnd((byte)0)));
            return descriptor;
        }
    }
}
