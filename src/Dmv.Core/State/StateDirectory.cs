using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.State;

/// <summary>
/// driver-tool's own folder on the managed system, <c>/var/lib/driver-tool/</c>: the locks, the
/// journal of a switch in progress and the history of switches. Under /var/lib, not /run, because
/// a journal must outlive the power cut it is there for. It is held open by descriptor and every
/// file in it is reached through that descriptor without following links. It is created 0755 and
/// root's; a journal in it is obeyed only while the folder and the journal are the effective user's
/// and nobody else may write them (see <see cref="CheckTrusted"/>).
/// </summary>
internal sealed class StateDirectory : IDisposable
{
    public const string HostPath = "/var/lib/driver-tool";
    public const string LockName = "lock";
    public const string HooksLockName = "hooks.lock";
    public const string JournalName = "journal";
    public const string JournalTemporaryName = "journal.tmp";
    public const string HistoryName = "history.jsonl";

    public const int FolderMode = 0x1ED;  // 0755: anyone may read the history
    public const int PrivateMode = 0x180; // 0600: locks and the journal, so no other user can even open them
    public const int PublicMode = 0x1A4;  // 0644: history.jsonl

    private DirectoryHandle _folder;
    private Trust? _trust;

    private StateDirectory(HostRoot root, DirectoryHandle folder)
    {
        Root = root;
        _folder = folder;
        RealPath = root.RealPathOf(HostPath);
    }

    public HostRoot Root { get; }

    /// <summary>The folder's real path, for messages; every access goes through <see cref="Folder"/>.</summary>
    public string RealPath { get; }

    public DirectoryHandle Folder => _folder;

    public string LockPath => PathOf(LockName);

    public string JournalPath => PathOf(JournalName);

    public string HistoryPath => PathOf(HistoryName);

    public string PathOf(string name) => RealPath + "/" + name;

    /// <summary>Whether a switch is unfinished (a journal, or a journal's temporary) or owes its hooks: then a command must finish it first.</summary>
    public bool HasUnfinishedWork()
    {
        var entries = new List<DirectoryEntry>();
        return _folder.TryListFromStart(entries, new byte[4096], out _)
            && entries.Any(static e => e.Name is JournalName or JournalTemporaryName || e.Name.StartsWith("hooks-", StringComparison.Ordinal));
    }

    /// <summary>The folder if it exists (readers never create it); <paramref name="problem"/> when it exists but cannot be opened.</summary>
    public static StateDirectory? Find(HostRoot root, out Failure? problem)
    {
        problem = null;
        if (root.TryOpenDirectory(HostPath, create: false, out DirectoryHandle folder, out Failure? failure))
        {
            return new StateDirectory(root, folder);
        }

        problem = failure.Errno == Errno.ENOENT ? null : failure;
        return null;
    }

    /// <summary>The folder, created when missing; fails with the errno (EROFS on a read-only system, EUCLEAN when it is not ours).</summary>
    public static bool TryOpenOrCreate(HostRoot root, [NotNullWhen(true)] out StateDirectory? state, [NotNullWhen(false)] out Failure? failure)
    {
        state = null;
        if (!root.TryOpenDirectory(HostPath, create: true, out DirectoryHandle folder, out failure, FolderMode))
        {
            failure = new Failure(failure.Errno, $"cannot open or create driver-tool's state folder: {failure.Message}");
            return false;
        }

        state = new StateDirectory(root, folder);
        if (EffectiveUser != 0 && state._folder.Status(out FileStatus status) == 0 && status.Owner != EffectiveUser)
        {
            // Not a state to distrust: a user who is not root asking for what only root may do.
            state.Dispose();
            state = null;
            failure = new Failure(Errno.EACCES, $"{root.RealPathOf(HostPath)} belongs to user {status.Owner}: changing the tree needs root (run it as root, or with sudo)");
            return false;
        }

        string? distrust = state.CheckTrusted();
        if (distrust is not null)
        {
            state.Dispose();
            state = null;
            failure = new Failure(Errno.EUCLEAN, distrust);
            return false;
        }

        return true;
    }

    /// <summary>Null when the folder is the effective user's and only theirs to write; otherwise what is wrong. Found once per command.</summary>
    public string? CheckTrusted() => (_trust ??= new Trust(FindDistrust())).Problem;

    /// <summary>
    /// Reads a state file (the journal, a record) that is obeyed only when it is trusted: a regular
    /// file, reached without a link, of the effective user's and nobody else's to write, in a trusted
    /// folder. False with ENOENT (and a null problem) when it is missing; with EUCLEAN and the problem when
    /// it is not trusted; with the errno otherwise.
    /// </summary>
    public bool TryReadTrusted(string name, string what, int maxBytes, ref byte[] buffer, out int length, out int errno, out string? problem) =>
        TryReadTrusted(name, what, maxBytes, tail: false, ref buffer, out length, out errno, out problem, out _);

    /// <summary>
    /// As <see cref="TryReadTrusted(string, string, int, ref byte[], out int, out int, out string?)"/> (the problem null when the file is missing);
    /// with <paramref name="tail"/>, a file longer than <paramref name="maxBytes"/> is not an error:
    /// its last <paramref name="maxBytes"/> are read and <paramref name="cut"/> says so (an append-only log).
    /// </summary>
    public bool TryReadTrusted(string name, string what, int maxBytes, bool tail, ref byte[] buffer, out int length, out int errno, out string? problem, out bool cut)
    {
        cut = false;
        length = 0;
        problem = null;
        // Looked at before it is opened: opening a device can act (a watchdog starts), whatever is read after.
        if (_folder.Status(name, out FileStatus before) == 0 && before.Kind == EntryKind.Special)
        {
            errno = Errno.EUCLEAN;
            problem = $"{PathOf(name)}: the {what} is {before.Description}, not a regular file";
            return false;
        }

        int descriptor = _folder.OpenFile(name, NativeMethods.O_RDONLY, 0, out errno);
        if (descriptor < 0)
        {
            if (errno == Errno.ELOOP)
            {
                errno = Errno.EUCLEAN;
                problem = $"{PathOf(name)}: the {what} is a symbolic link; driver-tool never writes one, so it is not obeyed";
            }
            else if (errno != Errno.ENOENT)
            {
                problem = $"{PathOf(name)}: {Errno.Describe(errno)}";
            }

            return false;
        }

        errno = DirectoryHandle.DescriptorStatus(descriptor, out FileStatus status);
        problem = errno != 0 ? $"{PathOf(name)}: {Errno.Describe(errno)}"
            : CheckTrusted()
            ?? (!status.IsRegular ? $"{PathOf(name)}: the {what} is {status.Description}, not a regular file" : Distrust(PathOf(name), what, status));
        if (problem is not null)
        {
            NativeMethods.Close(descriptor);
            errno = errno != 0 ? errno : Errno.EUCLEAN;
            return false;
        }

        if (tail && status.Size > maxBytes)
        {
            cut = true;
            if (NativeMethods.Seek(descriptor, status.Size - maxBytes, 0) < 0)
            {
                errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                NativeMethods.Close(descriptor);
                problem = $"{PathOf(name)}: {Errno.Describe(errno)}";
                return false;
            }
        }

        // An append-only log read from its tail may be exactly the size asked for: room for the end of file.
        if (!FileContent.ReadAll(descriptor, tail ? maxBytes + 1 : maxBytes, ref buffer, out length, out errno, regularFile: true))
        {
            problem = $"{PathOf(name)}: {Errno.Describe(errno)}";
            return false;
        }

        return true;
    }

    private string? FindDistrust()
    {
        int errno = _folder.Status(out FileStatus status);
        if (errno != 0)
        {
            return $"{RealPath}: {Errno.Describe(errno)}";
        }

        string? problem = Distrust(RealPath, "folder", status);
        if (problem is not null)
        {
            return problem;
        }

        // A folder above it that another user owns, or that others may write (without the sticky
        // bit), lets them swap the whole state folder for one of their choosing: up to the root itself.
        foreach (string ancestor in Ancestors())
        {
            if (Root.TryOpenDirectory(ancestor, create: false, out DirectoryHandle folder, out _))
            {
                using (folder)
                {
                    if (folder.Status(out FileStatus above) != 0)
                    {
                        continue;
                    }

                    if (above.Owner != 0 && above.Owner != EffectiveUser)
                    {
                        return $"{Root.RealPathOf(ancestor)}: belongs to user {above.Owner}, who could replace driver-tool's state folder; driver-tool trusts only its own state";
                    }

                    if (above.WritableByOthers && !above.Sticky)
                    {
                        return $"{Root.RealPathOf(ancestor)}: may be written by other users (mode {Convert.ToString(above.Permissions, 8)}), who could replace driver-tool's state folder";
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// The folders above the state folder: those of its path, and those of where it really is when a
    /// link leads there (a link into another user's folder lets that user swap what it leads to).
    /// </summary>
    private List<string> Ancestors()
    {
        var ancestors = new List<string> { "/var/lib", "/var", "/" };
        string real = Root.HostPathOf(_folder.RealPath);
        for (int slash = real.LastIndexOf('/'); slash > 0; slash = real.LastIndexOf('/', slash - 1))
        {
            string above = real[..slash];
            if (!ancestors.Contains(above))
            {
                ancestors.Add(above);
            }
        }

        return ancestors;
    }

    /// <summary>
    /// Null when a file of the folder is the effective user's (or root's: a user who is not root reads
    /// what root's driver-tool wrote, and root's files are trusted by definition) and not writable by others.
    /// </summary>
    public static string? Distrust(string path, string what, FileStatus status)
    {
        uint me = EffectiveUser;
        if (status.Owner != me && status.Owner != 0)
        {
            return $"{path}: the {what} belongs to user {status.Owner}, not to user {me}; driver-tool trusts only its own state";
        }

        if (status.WritableByOthers)
        {
            return $"{path}: the {what} may be written by other users (mode {Convert.ToString(status.Permissions, 8)}); driver-tool trusts only its own state";
        }

        return null;
    }

    public static uint EffectiveUser => NativeMethods.GetEffectiveUserId();

    public void Dispose() => _folder.Dispose();

    private sealed record Trust(string? Problem);
}
