using System.Text;

namespace Dmv.Core.FileSystem;

/// <summary>
/// The one door to the file system. A host path ("/lib/modules/6.1/updates/ice.ko") is what
/// the system being managed would see; the real path is where that is on this machine
/// (prefixed with the root given by <c>--root</c>). Symbolic links are followed component by
/// component, as the kernel would under chroot(2), so an absolute link target resolves inside
/// the root and a relative one that climbs above the root is refused instead of escaping.
/// </summary>
public sealed class HostRoot
{
    private const int MaxLinkHops = 40;
    private const int LinkBufferSize = 4096;

    private HostRoot(string realRoot)
    {
        RealRoot = realRoot;
        IsSystemRoot = realRoot == "/";
    }

    /// <summary>"/" for the running system, otherwise the absolute directory given by --root, without a trailing slash.</summary>
    public string RealRoot { get; }

    public bool IsSystemRoot { get; }

    public static HostRoot RunningSystem { get; } = new("/");

    /// <summary>Opens a root directory; fails with a reason when it is not an existing directory.</summary>
    public static bool TryOpen(string directory, out HostRoot root, out int errno, out string reason)
    {
        root = RunningSystem;
        errno = 0;
        reason = "";
        if (string.IsNullOrEmpty(directory))
        {
            errno = Errno.EINVAL;
            reason = "the root directory is an empty string";
            return false;
        }

        string full = Path.GetFullPath(directory);
        if (!Directory.Exists(full))
        {
            errno = File.Exists(full) ? Errno.ENOTDIR : Errno.ENOENT;
            reason = Errno.Describe(errno);
            return false;
        }

        string trimmed = full.Length > 1 ? full.TrimEnd('/') : full;
        root = trimmed.Length == 0 || trimmed == "/" ? RunningSystem : new HostRoot(trimmed);
        return true;
    }

    /// <summary>The real path of a host path, without following links. Only safe below a directory that was resolved.</summary>
    public string RealPathOf(string hostPath) => IsSystemRoot ? hostPath : RealRoot + hostPath;

    /// <summary>The host path of a real path that lies inside the root.</summary>
    public string HostPathOf(string realPath)
    {
        if (IsSystemRoot)
        {
            return realPath;
        }

        if (realPath.Length == RealRoot.Length)
        {
            return "/";
        }

        return realPath.Substring(RealRoot.Length);
    }

    /// <summary>Resolves an absolute host path, following every link inside the root.</summary>
    public PathResolution Resolve(string hostPath) => ResolveFrom("/", hostPath);

    /// <summary>
    /// Resolves <paramref name="path"/> (absolute, or relative to <paramref name="resolvedHostDirectory"/>,
    /// a host directory already free of links, as where a link stands) inside the root.
    /// </summary>
    public PathResolution ResolveFrom(string resolvedHostDirectory, string path)
    {
        var parts = new List<string>(16);
        if (!path.StartsWith('/'))
        {
            PushComponents(parts, resolvedHostDirectory);
        }

        var pending = new Stack<string>(16);
        PushPending(pending, path);
        Span<byte> target = stackalloc byte[LinkBufferSize];
        int hops = 0;
        var current = new StringBuilder(RealRoot.Length + path.Length + 64);

        while (pending.Count > 0)
        {
            string component = pending.Pop();
            if (component.Length == 0 || component == ".")
            {
                continue;
            }

            if (component == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                else if (!IsSystemRoot)
                {
                    return PathResolution.Failed(Errno.EXDEV, $"'{path}' leads outside the root {RealRoot}");
                }

                continue;
            }

            string candidate = Compose(current, parts, component);
            int length = ReadLink(candidate, target, out int errno);
            if (length >= 0)
            {
                if (++hops > MaxLinkHops)
                {
                    return PathResolution.Failed(Errno.ELOOP, $"'{path}': {Errno.Describe(Errno.ELOOP)}");
                }

                if (!TryDecode(target[..length], out string linkTarget))
                {
                    return PathResolution.Failed(Errno.EINVAL, $"link {candidate} has a target that is not valid UTF-8");
                }

                if (linkTarget.StartsWith('/'))
                {
                    parts.Clear();
                }

                PushPending(pending, linkTarget);
                continue;
            }

            switch (errno)
            {
                case Errno.EINVAL:
                    parts.Add(component);
                    continue;
                default:
                    return PathResolution.Failed(errno, $"{candidate}: {Errno.Describe(errno)}");
            }
        }

        return PathResolution.Found(Compose(current, parts, null));
    }

    /// <summary>Reads a link's target text; false with the errno when the path is not a readable link.</summary>
    public static bool TryReadLink(string realPath, out string target, out int errno)
    {
        Span<byte> buffer = stackalloc byte[LinkBufferSize];
        int length = ReadLink(realPath, buffer, out errno);
        if (length < 0)
        {
            target = "";
            return false;
        }

        if (!TryDecode(buffer[..length], out target))
        {
            errno = Errno.EINVAL;
            return false;
        }

        return true;
    }

    private string Compose(StringBuilder builder, List<string> parts, string? last)
    {
        builder.Clear();
        if (!IsSystemRoot)
        {
            builder.Append(RealRoot);
        }

        foreach (string part in parts)
        {
            builder.Append('/').Append(part);
        }

        if (last is not null)
        {
            builder.Append('/').Append(last);
        }

        return builder.Length == 0 ? "/" : builder.ToString();
    }

    private static void PushComponents(List<string> parts, string hostDirectory)
    {
        foreach (string part in hostDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            parts.Add(part);
        }
    }

    private static void PushPending(Stack<string> pending, string path)
    {
        string[] components = path.Split('/');
        for (int i = components.Length - 1; i >= 0; i--)
        {
            pending.Push(components[i]);
        }
    }

    private static bool TryDecode(ReadOnlySpan<byte> bytes, out string text)
    {
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            text = "";
            return false;
        }

        text = Encoding.UTF8.GetString(bytes);
        return true;
    }

    private static unsafe int ReadLink(string path, Span<byte> buffer, out int errno)
    {
        int byteCount = Encoding.UTF8.GetByteCount(path);
        Span<byte> nameBytes = byteCount < 1024 ? stackalloc byte[byteCount + 1] : new byte[byteCount + 1];
        Encoding.UTF8.GetBytes(path, nameBytes);
        nameBytes[byteCount] = 0;
        fixed (byte* name = nameBytes)
        fixed (byte* target = buffer)
        {
            nint result = NativeMethods.ReadLink(name, target, buffer.Length);
            if (result < 0)
            {
                errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                return -1;
            }

            errno = 0;
            if (result >= buffer.Length)
            {
                errno = Errno.ENAMETOOLONG;
                return -1;
            }

            return (int)result;
        }
    }
}
