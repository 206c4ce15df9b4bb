using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.State;

namespace Dmv.Core.Switching;

/// <summary>
/// The start of every command: an interrupted switch left by an earlier run is finished or undone
/// before anything else, and writers take the tree's lock. Readers take it shared, so they wait
/// for a switch in progress rather than see it half done. The folders a command writes in are
/// opened once, by descriptor, and held in <see cref="Folders"/> until it ends.
/// </summary>
internal sealed class HostSession : IDisposable
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

    /// <summary>Why a reader could not open the state folder that exists (a user who is not root, a folder of 0700), or null.</summary>
    public Failure? StateProblem { get; private init; }

    /// <summary>For a command that changes the tree: the state folder (created if missing), the exclusive lock, recovery.</summary>
    public static bool TryBeginWrite(HostRoot root, TimeSpan lockTimeout, DiagnosticLog log, [NotNullWhen(true)] out HostSession? session, [NotNullWhen(false)] out Failure? failure)
    {
        session = null;
        if (!HostLock.TryOpenExclusive(root, StateDirectory.LockName, lockTimeout, out StateDirectory? state, out HostLock? held, out failure))
        {
            return false;
        }

        session = new HostSession(root, state, held);

        // A journal.tmp is a journal whose writing a crash cut short: no switch began from it.
        int errno = state.Folder.Remove(StateDirectory.JournalTemporaryName);
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
        StateDirectory? state = StateDirectory.Find(root, out Failure? problem);
        if (state is null)
        {
            if (problem is not null)
            {
                log.Warn(root.RealPathOf(StateDirectory.HostPath), $"{problem.DetailAt(root.RealPathOf(StateDirectory.HostPath))}; driver-tool's records (the deselected drivers, the history) cannot be read");
            }

            return new HostSession(root, null, null) { StateProblem = problem };
        }

        if (state.HasUnfinishedWork())
        {
            if (TryBeginWrite(root, lockTimeout, log, out HostSession? writer, out Failure? failure))
            {
                using (writer)
                {
                    writer.ReleaseTree();
                    foreach (HookResult hook in writer.RunHooks([], HookOptions.Default(), lockTimeout, log))
                    {
                        if (hook.Status == HookStatus.Failed)
                        {
                            log.Warn(hook.Kernel, $"{hook.Hook} after the recovered switch failed: {hook.Problem ?? hook.Detail}");
                        }
                    }
                }
            }
            else
            {
                log.Warn(state.JournalPath, $"an interrupted switch could not be completed: {failure.Message}");
            }
        }

        if (!HostLock.TryAcquire(state, StateDirectory.LockName, exclusive: false, lockTimeout, out HostLock? held, out Failure? unlocked)
            && unlocked.Errno != Errno.ENOENT && !(unlocked.Errno == Errno.EACCES && StateDirectory.EffectiveUser != 0))
        {
            log.Warn(state.LockPath, $"reading without the lock: {unlocked.Message}");
        }

        return new HostSession(root, state, held);
    }

    /// <summary>
    /// The hooks owed by completed switches (<see cref="PendingHooks"/>): this command's, and any a
    /// crash left, under their own lock, so concurrent switches' hooks take turns while the tree is
    /// already free for readers. A record is removed once its hooks ran.
    /// </summary>
    /// <param name="own">This command's switches: named when the hooks' lock cannot be had.</param>
    public List<HookResult> RunHooks(IReadOnlyCollection<string> own, HookOptions options, TimeSpan lockTimeout, DiagnosticLog log)
    {
        if (State is null)
        {
            return [];
        }

        if (!HostLock.TryAcquire(State, StateDirectory.HooksLockName, exclusive: true, lockTimeout, out HostLock? hooksLock, out Failure? unlocked))
        {
            List<string> waiting = PendingHooks.Read(State, log).Where(r => own.Contains(r.Journal.Id)).SelectMany(static r => r.Journal.Changes.Select(static c => c.Kernel)).Distinct(StringComparer.Ordinal).ToList();
            return waiting.Select(k => new HookResult(k, "all", HookStatus.Failed, null, unlocked.Message, $"hooks not run: {unlocked.Message}")).ToList();
        }

        using (hooksLock)
        {
            var kernels = new List<string>();
            var modules = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            var done = new List<string>();
            foreach ((string name, SwitchJournal journal) in PendingHooks.Read(State, log))
            {
                done.Add(name);
                foreach (LinkChange change in journal.Changes)
                {
                    if (!kernels.Contains(change.Kernel))
                    {
                        kernels.Add(change.Kernel);
                    }

                    if (change.NewTarget is not null)
                    {
                        modules[change.Kernel] = [.. modules.GetValueOrDefault(change.Kernel) ?? [], change.Updates + "/" + change.Name];
                    }
                }
            }

            List<HookResult> results = kernels.Count == 0 ? [] : HookRunner.Run(Root, kernels, modules, options);
            foreach (string name in done)
            {
                State.Folder.Remove(name);
            }

            State.Folder.Sync();
            return results;
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

        bool forward = journal.State == JournalState.Committed;
        // Finished completely, it is recorded like any switch, and its hooks are owed (PendingHooks).
        failure = JournalRecovery.Recover(State!, Folders, journal, log);
        if (failure is not null)
        {
            return failure;
        }

        log.Warn(State!.JournalPath, $"an interrupted {journal.Operation} of '{journal.Driver}' was {(forward ? "completed" : "rolled back")}");
        return null;
    }
}
