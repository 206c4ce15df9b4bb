using System.Collections.Concurrent;
using System.Text;
using Dmv.Core.Diagnostics;

namespace Dmv.Core.FileSystem;

/// <summary>
/// The one door to the file system. A host path ("/lib/modules/6.1/updates/ice.ko") is what
/// the system being managed would see; the real path is where that is on this machine
/// (prefixed with the root given by <c>--root</c>). Symbolic links are followed component by
/// component, as the kernel would under chroot(2), so an absolute link target resolves inside
/// the root and a relative one that climbs above the root is refused instead of escaping.
/// </summary>
internal sealed partial class HostRoot
{
    private const int MaxLinkHops = 40;
    private const int LinkBufferSize = 4096;
    private const int MaxComponents = 256;

    // A bound on the memory the memo below keeps for a whole run: about 4 MB of paths. Past it, a
    // path below an unremembered folder costs a readlink per step, as it would without the memo.
    private const int MaxKnownDirectories = 16_384;

    // Real paths known to be directories, not links: resolving a path below them asks no more of the kernel.
    private readonly ConcurrentDictionary<string, byte> _knownDirectories = new(StringComparer.Ordinal);
    private int _knownCount;
    private readonly ConcurrentDictionary<string, byte>.AlternateLookup<ReadOnlySpan<char>> _knownLookup;

    // The root, held open for the command: every open of the managed system starts from it.
    private readonly int _rootDescriptor;

    private HostRoot(string realRoot, int rootDescriptor)
    {
        _knownLookup = _knownDirectories.GetAlternateLookup<ReadOnlySpan<char>>();
        RealRoot = realRoot;
        IsSystemRoot = realRoot == "/";
        _rootDescriptor = rootDescriptor;
#if TEST_SEAMS
        // The test build only: the component walk even where openat2 exists, so tests cover both.
        _useOpenat2 = Environment.GetEnvironmentVariable("DRIVER_TOOL_TEST_NO_OPENAT2") != "1";
#endif
    }

    /// <summary>"/" for the running system, otherwise the absolute directory given by --root, without a trailing slash.</summary>
    public string RealRoot { get; }

    public bool IsSystemRoot { get; }

    /// <summary>The root of the running system, "/".</summary>
    public static HostRoot OpenRunningSystem() =>
        TryOpen("/", out HostRoot? root, out Failure? failure) ? root : throw new IOException($"/: {failure.Message}", failure.Errno);

    /// <summary>Opens a root directory; fails with a reason when it is not an existing directory.</summary>
    public static bool TryOpen(string directory, [NotNullWhen(true)] out HostRoot? root, [NotNullWhen(false)] out Failure? failure)
    {
        root = null;
        failure = null;
        if (string.IsNullOrEmpty(directory))
        {
            failure = new Failure(Errno.EINVAL, "the root directory is an empty string");
            return false;
        }

        string full = Path.GetFullPath(directory);
        string trimmed = full.Length > 1 ? full.TrimEnd('/') : full;
        if (trimmed.Length == 0)
        {
            trimmed = "/";
        }

        // The root itself is the one path taken as the caller gave it; everything below it is opened from this descriptor.
        int descriptor = NativePath.Open(trimmed, NativeMethods.O_PATH | NativeMethods.O_DIRECTORY | NativeMethods.O_CLOEXEC, out int errno);
        if (descriptor < 0)
        {
            failure = new Failure(errno, Errno.Describe(errno));
            return false;
        }

        root = new HostRoot(trimmed, descriptor);
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
    public PathResolution ResolveFrom(string resolvedHostDirectory, string path) => ResolveFrom(resolvedHostDirectory, path, absoluteEscapes: false);

    /// <summary>
    /// Resolves as a program outside the root would that was told the root's path (depmod -b): an
    /// absolute link target leads out of the root (EXDEV) instead of being taken inside it.
    /// </summary>
    public PathResolution ResolveAsOutsider(string hostPath) => ResolveFrom("/", hostPath, absoluteEscapes: true);

    private PathResolution ResolveFrom(string resolvedHostDirectory, string path, bool absoluteEscapes)
    {
        var real = new PathBuilder(RealRoot.Length + resolvedHostDirectory.Length + path.Length + 64);
        try
        {
            return Resolve(ref real, resolvedHostDirectory, path, absoluteEscapes);
        }
        finally
        {
            real.Dispose();
        }
    }

    private PathResolution Resolve(ref PathBuilder real, string resolvedHostDirectory, string path, bool absoluteEscapes)
    {
        int rootLength = IsSystemRoot ? 0 : RealRoot.Length;
        if (!IsSystemRoot)
        {
            real.Append(RealRoot);
        }

        // marks[i]: the length of the real path before its component i was added, so ".." is one step back.
        Span<int> marks = stackalloc int[MaxComponents];
        int depth = 0;
        if (!path.StartsWith('/'))
        {
            int position = 0;
            while (NextComponent(resolvedHostDirectory, ref position, out ReadOnlySpan<char> part))
            {
                if (depth == MaxComponents)
                {
                    return PathResolution.Failed(Errno.ENAMETOOLONG, $"'{resolvedHostDirectory}': {Errno.Describe(Errno.ENAMETOOLONG)}");
                }

                marks[depth++] = real.Length;
                real.Append('/');
                real.Append(part);
            }
        }

        Span<byte> target = stackalloc byte[LinkBufferSize];
        Stack<(string Text, int Position)>? suspended = null;
        string text = path;
        int cursor = 0;
        int hops = 0;
        while (true)
        {
            if (!NextComponent(text, ref cursor, out ReadOnlySpan<char> component))
            {
                if (suspended is { Count: > 0 })
                {
                    (text, cursor) = suspended.Pop();
                    continue;
                }

                break;
            }

            if (component.SequenceEqual("."))
            {
                continue;
            }

            if (component.SequenceEqual(".."))
            {
                if (depth > 0)
                {
                    // As the kernel resolves "x.ko/..": a component that is not a folder has no parent to go back to.
                    if (!_knownLookup.ContainsKey(real.Span) && !IsDirectory(real.Span))
                    {
                        return PathResolution.FailedAt(Errno.ENOTDIR, real.Span.ToString(), Errno.Describe(Errno.ENOTDIR));
                    }

                    real.Length = marks[--depth];
                }
                else if (!IsSystemRoot)
                {
                    return PathResolution.Failed(Errno.EXDEV, $"'{path}' leads outside the root {RealRoot}");
                }

                continue;
            }

            if (depth == MaxComponents)
            {
                return PathResolution.Failed(Errno.ENAMETOOLONG, $"'{path}': {Errno.Describe(Errno.ENAMETOOLONG)}");
            }

            int before = real.Length;
            real.Append('/');
            real.Append(component);
            if (_knownLookup.ContainsKey(real.Span))
            {
                marks[depth++] = before;
                continue;
            }

            int length = ReadLink(real.Span, target, out int errno);
            if (length >= 0)
            {
                if (++hops > MaxLinkHops)
                {
                    return PathResolution.Failed(Errno.ELOOP, $"'{path}': {Errno.Describe(Errno.ELOOP)}");
                }

                if (!TryDecode(target[..length], out string linkTarget))
                {
                    return PathResolution.Failed(Errno.EINVAL, $"link {real.Span} has a target that is not valid UTF-8");
                }

                real.Length = before;
                if (linkTarget.StartsWith('/') && absoluteEscapes && !IsSystemRoot)
                {
                    return PathResolution.Failed(Errno.EXDEV, $"{real.Span}/{component} is a link to {linkTarget}, an absolute target that leads out of the root for a program outside it");
                }

                if (linkTarget.StartsWith('/'))
                {
                    real.Length = rootLength;
                    depth = 0;
                }

                if (cursor < text.Length)
                {
                    suspended ??= new Stack<(string, int)>();
                    suspended.Push((text, cursor));
                }

                text = linkTarget;
                cursor = 0;
                continue;
            }

            if (errno != Errno.EINVAL)
            {
                return PathResolution.FailedAt(errno, real.Span.ToString(), Errno.Describe(errno));
            }

            marks[depth++] = before;
        }

        // Every folder above a path that resolved is a directory.
        for (int i = 1; i < depth; i++)
        {
            ReadOnlySpan<char> ancestor = real.Span[..marks[i]];
            if (!_knownLookup.ContainsKey(ancestor))
            {
                RememberDirectory(ancestor.ToString());
            }
        }

        return PathResolution.Found(real.Length == 0 ? "/" : real.Span.ToString());
    }

    private static unsafe bool IsDirectory(ReadOnlySpan<char> realPath)
    {
        byte[] path = NativePath.ToBytes(realPath.Length == 0 ? "/" : realPath);
        fixed (byte* name = path)
        {
            return FileStatus.At(NativeMethods.AtFdCwd, name, 0, out FileStatus status) == 0 && status.Kind == EntryKind.Directory;
        }
    }

    /// <summary>Records that a real path inside the root is a directory (a walker that opened it knows).</summary>
    public void RememberDirectory(string realPath)
    {
        if (Volatile.Read(ref _knownCount) < MaxKnownDirectories && _knownDirectories.TryAdd(realPath, 0))
        {
            Interlocked.Increment(ref _knownCount);
        }
    }

    private static bool NextComponent(string text, ref int position, out ReadOnlySpan<char> component)
    {
        while (position < text.Length && text[position] == '/')
        {
            position++;
        }

        if (position >= text.Length)
        {
            component = default;
            return false;
        }

        int end = text.IndexOf('/', position);
        if (end < 0)
        {
            end = text.Length;
        }

        component = text.AsSpan(position, end - position);
        position = end;
        return true;
    }

    /// <summary>Reads a link's target text; false with the errno when the path is not a readable link.</summary>
    public static bool TryReadLink(string realPath, out string target, out int errno)
    {
        Span<byte> buffer = stackalloc byte[LinkBufferSize];
        int length = ReadLink(realPath.AsSpan(), buffer, out errno);
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

    private static unsafe int ReadLink(ReadOnlySpan<char> path, Span<byte> buffer, out int errno)
    {
        int size = NativePath.BufferSize(path);
        Span<byte> nameBytes = NativePath.FitsOnStack(size) ? stackalloc byte[size] : new byte[size];
        NativePath.Encode(path, nameBytes);
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
