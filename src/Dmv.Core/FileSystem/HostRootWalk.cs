using System.Runtime.InteropServices;

namespace Dmv.Core.FileSystem;

/// <summary>The walk one component at a time, for an absolute link or a kernel without openat2 (see <see cref="HostRoot"/>).</summary>
internal sealed partial class HostRoot
{
    /// <summary>
    /// Opens <paramref name="hostPath"/> one component at a time from the root, never through a link:
    /// each link is read and its target walked in its place, an absolute one from the root; a ".."
    /// above the root is refused. With <paramref name="create"/>, missing folders are made.
    /// </summary>
    /// <param name="detail">What is wrong with the path, when the errno alone does not say it.</param>
    private int Walk(int start, string hostPath, Want want, bool create, int mode, out int errno, out string? detail)
    {
        detail = null;
        var open = new List<int>();
        var pending = new Stack<string>();
        PushComponents(pending, hostPath);
        int hops = 0;
        int creations = 0;
        try
        {
            open.Add(OpenChild(start, ".", NativeMethods.O_RDONLY | NativeMethods.O_DIRECTORY, out errno));
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
                    else if (IsSystemRoot)
                    {
                        // The running system's own path from the working folder may climb ("../x.ko"); "/.." is "/".
                        int parent = OpenChild(open[0], "..", NativeMethods.O_RDONLY | NativeMethods.O_DIRECTORY, out errno);
                        if (parent < 0)
                        {
                            return -1;
                        }

                        NativeMethods.Close(open[0]);
                        open[0] = parent;
                    }
                    else
                    {
                        errno = Errno.EXDEV;
                        detail = $"a link on the way leads outside the root {RealRoot}";
                        return -1;
                    }

                    continue;
                }

                bool last = pending.Count == 0;
                DirectoryHandle current = DirectoryHandle.FromDescriptor(open[^1], "");
                int flags = last ? FinalFlags(want) : NativeMethods.O_RDONLY | NativeMethods.O_DIRECTORY;
                int child = OpenChild(open[^1], component, flags | NativeMethods.O_NOFOLLOW, out errno);
                if (child >= 0 && flags == NativeMethods.O_PATH && DirectoryHandle.DescriptorStatus(child, out FileStatus status) == 0 && status.Kind == EntryKind.Link)
                {
                    // O_PATH | O_NOFOLLOW opens a link itself: follow it like any other.
                    NativeMethods.Close(child);
                    child = -1;
                    errno = Errno.ELOOP;
                }

                if (child >= 0)
                {
                    open.Add(child);
                    continue;
                }

                if (errno == Errno.ENOENT && create && !(last && want != Want.Directory) && creations++ < 256)
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
                    if (++hops > MaxLinkHops)
                    {
                        errno = Errno.ELOOP;
                        return -1;
                    }

                    if (target.StartsWith('/'))
                    {
                        for (int i = open.Count - 1; i >= 0; i--)
                        {
                            NativeMethods.Close(open[i]);
                        }

                        open.Clear();
                        open.Add(OpenChild(_rootDescriptor, ".", NativeMethods.O_RDONLY | NativeMethods.O_DIRECTORY, out errno));
                        if (open[0] < 0)
                        {
                            open.Clear();
                            return -1;
                        }
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

    private static unsafe int OpenChild(int directory, string name, int flags, out int errno)
    {
        byte[] bytes = NativePath.ToBytes(name);
        fixed (byte* n = bytes)
        {
            int descriptor = NativeMethods.OpenAt(directory, n, flags | NativeMethods.O_CLOEXEC);
            errno = descriptor < 0 ? Marshal.GetLastPInvokeError() : 0;
            DescriptorsExhaustedException.ThrowIfExhausted(errno, name);
            return descriptor;
        }
    }
}
