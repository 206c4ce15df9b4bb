using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.State;

namespace Dmv.Core.Selection;

/// <summary>
/// The start of every command: an interrupted switch left by an earlier run is finished or undone
/// before anything else, and writers take the tree's lock. Readers take it shared, so they wait
/// for a switch in progress rather than see it half done. The folders a command writes in are
/// opened once, by descriptor, and held in <see cref="Folders"/> until it ends.
/// </summary>
public sealed class HostSession : IDisposable
{
    private HostLock? _lock;

    private HostSession(HostRoot root, StateDirectory? state, HostLock? held)
    {
        Root = root;
        State = state;
        _lock = held;
        Folders = new OpenFolders(root);
    }

    public HostRoot Root { get; }

    public StateDirectory? State { get; }

    public OpenFolders Folders { get; }

    /// <summary>The kernels and added module links of a switch this session's recovery rolled forward: its hooks are still to run.</summary>
    public List<string> RecoveredKernels { get; } = [];

    public Dictionary<string, IReadOnlyList<string>> RecoveredModules { get; } = new(StringComparer.Ordinal);

    /// <summary>For a command that changes the tree: the state folder (created if missing), the exclusive lock, recovery.</summary>
    public static bool TryBeginWrite(HostRoot root, TimeSpan lockTimeout, DiagnosticLog log, out HostSession? session, out Failure? failure)
    {
        session = null;
        if (!StateDirectory.TryOpenOrCreate(root, out StateDirectory state, out int errno, out string reason))
        {
            failure = new Failure(errno, errno == Errno.EUCLEAN ? reason : $"cannot create driver-tool's state folder: {reason}");
            return false;
        }

        if (!HostLock.TryAcquire(state, StateDirectory.LockName, exclusive: true, lockTimeout, out HostLock? held, out errno, out reason))
        {
            state.Dispose();
            failure = new Failure(errno, reason);
            return false;
        }

        session = new HostSession(root, state, held);

        // A journal.tmp is a journal whose writing a crash cut short: no switch began from it.
        errno = state.Folder.Remove(StateDirectory.JournalTemporaryName);
        if (errno is not (0 or Errno.ENOENT))
        {
            session.Dispose();
            session = null;
            failure = new Failure(Errno.EUCLEAN, $"{state.PathOf(StateDirectory.JournalTemporaryName)}: {Errno.Describe(errno)}; driver-tool never makes it anything but a file: remove it");
            return false;
        }

        failure = session.RecoverInterruptedSwitch(log);
        if (failure is not null)
        {
            session.Dispose();
            session = null;
            return false;
        }

        return true;
    }

    /// <summary>
    /// For a command that only reads: recovery first if a journal is left (which needs the lock
    /// exclusively, and so write access; without it the problem is reported and reading goes on),
    /// with the recovered switch's hooks, then the lock shared.
    /// </summary>
    public static HostSession BeginRead(HostRoot root, TimeSpan lockTimeout, DiagnosticLog log)
    {
        StateDirectory? state = StateDirectory.Find(root);
        if (state is null)
        {
            return new HostSession(root, null, null);
        }

        if (state.Folder.Contains(StateDirectory.JournalName) || state.Folder.Contains(StateDirectory.JournalTemporaryName))
        {
            if (TryBeginWrite(root, lockTimeout, log, out HostSession? writer, out Failure? failure))
            {
                using (writer)
                {
                    writer!.ReleaseTree();
                    foreach (HookResult hook in writer.RunHooks([], new Dictionary<string, IReadOnlyList<string>>(), HookOptions.Default(), lockTimeout))
                    {
                        if (hook.Status == HookStatus.Failed)
                        {
                            log.Warn(hook.Kernel, $"{hook.Hook} after the recovered switch failed: {hook.Detail}");
                        }
                    }
                }
            }
            else
            {
                log.Warn(state.JournalPath, $"an interrupted switch could not be completed: {failure!.Message}");
            }
        }

        if (!HostLock.TryAcquire(state, StateDirectory.LockName, exclusive: false, lockTimeout, out HostLock? held, out int errno, out string reason)
            && errno != Errno.ENOENT && !(errno == Errno.EACCES && StateDirectory.EffectiveUser != 0))
        {
            log.Warn(state.LockPath, $"reading without the lock: {reason}");
        }

        return new HostSession(root, state, held);
    }

    /// <summary>Appends a line to history.jsonl; the history is informative, so a failure to write it is a warning.</summary>
    public void RecordHistory(SwitchJournal journal, IReadOnlyList<string> kernels, IReadOnlyList<string> movedAside, DiagnosticLog log)
    {
        if (State is null)
        {
            return;
        }

        var entry = new HistoryEntry
        {
            Time = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            Id = journal.Id,
            Operation = journal.Operation,
            Driver = journal.Driver,
            Variant = journal.Variant,
            Kernels = kernels.ToList(),
            MovedAside = movedAside.ToList(),
        };
        byte[] line = [.. StateJson.Serialize(entry, StateJsonContext.Default.HistoryEntry), (byte)'\n'];
        int errno = State.Folder.Append(StateDirectory.HistoryName, line, StateDirectory.PublicMode, onNewLine: true);
        if (errno != 0)
        {
            log.Warn(State.HistoryPath, $"history not written: {Errno.Describe(errno)}");
        }
    }

    /// <summary>
    /// The hooks for the kernels a switch changed, and for those of a switch this session's recovery
    /// finished, under their own lock: concurrent switches' hooks take turns while the tree is
    /// already free for readers.
    /// </summary>
    public List<HookResult> RunHooks(IReadOnlyList<string> kernels, IReadOnlyDictionary<string, IReadOnlyList<string>> added, HookOptions options, TimeSpan lockTimeout)
    {
        List<string> all = [.. kernels, .. RecoveredKernels.Where(k => !kernels.Contains(k))];
        if (all.Count == 0)
        {
            return [];
        }

        var modules = new Dictionary<string, IReadOnlyList<string>>(RecoveredModules, StringComparer.Ordinal);
        foreach ((string kernel, IReadOnlyList<string> list) in added)
        {
            modules[kernel] = [.. modules.GetValueOrDefault(kernel) ?? [], .. list];
        }

        if (options.Skip || State is null)
        {
            return HookRunner.Run(Root, all, modules, options);
        }

        if (!HostLock.TryAcquire(State, StateDirectory.HooksLockName, exclusive: true, lockTimeout, out HostLock? hooksLock, out _, out string reason))
        {
            return all.Select(k => new HookResult(k, "all", HookStatus.Failed, null, reason)).ToList();
        }

        using (hooksLock)
        {
            return HookRunner.Run(Root, all, modules, options);
        }
    }

    /// <summary>Lets other readers and writers in; hooks then run under their own lock.</summary>
    public void ReleaseTree()
    {
        _lock?.Dispose();
        _lock = null;
    }

    public void Dispose()
    {
        ReleaseTree();
        Folders.Dispose();
        State?.Dispose();
    }

    private Failure? RecoverInterruptedSwitch(DiagnosticLog log)
    {
        if (!JournalRecovery.TryRead(State!, out SwitchJournal? journal, out Failure? failure))
        {
            return failure;
        }

        bool forward = journal!.State == JournalState.Committed;
        failure = JournalRecovery.Recover(State!, Folders, journal);
        if (failure is not null)
        {
            return failure;
        }

        log.Warn(State!.JournalPath, $"an interrupted {journal.Operation} of '{journal.Driver}' was {(forward ? "completed" : "rolled back")}");
        if (forward)
        {
            // Finished completely: recorded like any switch, and its hooks run with this command's.
            List<string> kernels = journal.Changes.Select(c => c.Kernel).Distinct(StringComparer.Ordinal).ToList();
            RecordHistory(journal, kernels, journal.Changes.Where(c => c.SetAside is not null).Select(c => $"{c.Updates}/{c.Name} -> {c.Updates}/{c.SetAside}").ToList(), log);
            RecoveredKernels.AddRange(kernels);
            foreach (IGrouping<string, LinkChange> group in journal.Changes.Where(c => c.NewTarget is not null).GroupBy(c => c.Kernel))
            {
                RecoveredModules[group.Key] = group.Select(c => c.Updates + "/" + c.Name).ToList();
            }
        }

        return null;
    }
}
