using Dmv.Core.FileSystem;

namespace Dmv.Core.State;

/// <summary>
/// driver-tool's own folder on the managed system, <c>/var/lib/driver-tool/</c>: the locks, the
/// journal of a switch in progress and the history of switches. Under /var/lib, not /run, because
/// a journal must outlive the power cut it is there for.
/// </summary>
public sealed class StateDirectory
{
    public const string HostPath = "/var/lib/driver-tool";
    public const string LockName = "lock";
    public const string HooksLockName = "hooks.lock";
    public const string JournalName = "journal";
    public const string HistoryName = "history.jsonl";

    private StateDirectory(HostRoot root, string realPath)
    {
        Root = root;
        RealPath = realPath;
    }

    public HostRoot Root { get; }

    public string RealPath { get; }

    public string LockPath => RealPath + "/" + LockName;

    public string HooksLockPath => RealPath + "/" + HooksLockName;

    public string JournalPath => RealPath + "/" + JournalName;

    public string HistoryPath => RealPath + "/" + HistoryName;

    /// <summary>The folder if it exists (readers never create it).</summary>
    public static StateDirectory? Find(HostRoot root)
    {
        PathResolution resolved = root.Resolve(HostPath);
        return resolved.Succeeded ? new StateDirectory(root, resolved.RealPath!) : null;
    }

    /// <summary>The folder, created when missing; fails with the errno (EROFS on a read-only system).</summary>
    public static bool TryOpenOrCreate(HostRoot root, out StateDirectory state, out int errno, out string reason)
    {
        state = null!;
        reason = "";
        PathResolution resolved = root.Resolve(HostPath);
        if (resolved.Succeeded)
        {
            state = new StateDirectory(root, resolved.RealPath!);
            errno = 0;
            return true;
        }

        // Create what is missing below the deepest folder that exists, following links inside the root.
        string existing = "/";
        string[] parts = HostPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        string real = root.IsSystemRoot ? "" : root.RealRoot;
        int index = 0;
        for (; index < parts.Length; index++)
        {
            string next = existing.TrimEnd('/') + "/" + parts[index];
            PathResolution step = root.Resolve(next);
            if (!step.Succeeded)
            {
                break;
            }

            existing = next;
            real = step.RealPath!;
        }

        for (; index < parts.Length; index++)
        {
            real = real + "/" + parts[index];
            errno = FileSystemWriter.MakeDirectory(real);
            if (errno != 0 && errno != Errno.EEXIST)
            {
                reason = $"{real}: {Errno.Describe(errno)}";
                return false;
            }
        }

        state = new StateDirectory(root, real);
        errno = 0;
        return true;
    }
}
