using System.Text.Json;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Json;
using Dmv.Core.State;

namespace Dmv.Core.Selection;

/// <summary>
/// The start of every command: an interrupted switch left by an earlier run is finished or undone
/// before anything else, and writers take the tree's lock. Readers take it shared, so they wait
/// for a switch in progress rather than see it half done.
/// </summary>
public sealed class HostSession : IDisposable
{
    private HostLock? _lock;

    private HostSession(HostRoot root, StateDirectory? state, HostLock? held)
    {
        Root = root;
        State = state;
        _lock = held;
    }

    public HostRoot Root { get; }

    public StateDirectory? State { get; }

    /// <summary>For a command that changes the tree: the state folder (created if missing), the exclusive lock, recovery.</summary>
    public static bool TryBeginWrite(HostRoot root, TimeSpan lockTimeout, DiagnosticLog log, out HostSession? session, out Failure? failure)
    {
        session = null;
        if (!StateDirectory.TryOpenOrCreate(root, out StateDirectory state, out int errno, out string reason))
        {
            failure = new Failure(errno, $"cannot create driver-tool's state folder: {reason}");
            return false;
        }

        if (!HostLock.TryAcquire(state.LockPath, exclusive: true, lockTimeout, out HostLock? held, out errno, out reason))
        {
            failure = new Failure(errno, reason);
            return false;
        }

        session = new HostSession(root, state, held);
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
    /// then the lock shared.
    /// </summary>
    public static HostSession BeginRead(HostRoot root, TimeSpan lockTimeout, DiagnosticLog log)
    {
        StateDirectory? state = StateDirectory.Find(root);
        if (state is null)
        {
            return new HostSession(root, null, null);
        }

        if (File.Exists(state.JournalPath) || IsLink(state.JournalPath))
        {
            if (TryBeginWrite(root, lockTimeout, log, out HostSession? writer, out Failure? failure))
            {
                writer!.Dispose();
            }
            else
            {
                log.Warn(state.JournalPath, $"an interrupted switch could not be completed: {failure!.Message}");
            }
        }

        if (!HostLock.TryAcquire(state.LockPath, exclusive: false, lockTimeout, out HostLock? held, out int errno, out string reason) && errno != Errno.ENOENT)
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
        byte[] line = [.. JsonSerializer.SerializeToUtf8Bytes(entry, DmvJsonContext.Default.HistoryEntry), (byte)'\n'];
        int errno = FileSystemWriter.Append(State.HistoryPath, line);
        if (errno != 0)
        {
            log.Warn(State.HistoryPath, $"history not written: {Errno.Describe(errno)}");
        }
    }

    /// <summary>Lets other readers and writers in; hooks then run under their own lock.</summary>
    public void ReleaseTree()
    {
        _lock?.Dispose();
        _lock = null;
    }

    public void Dispose() => ReleaseTree();

    private Failure? RecoverInterruptedSwitch(DiagnosticLog log)
    {
        if (!JournalRecovery.TryRead(State!, out SwitchJournal? journal, out Failure? failure))
        {
            return failure;
        }

        string what = journal!.State == SwitchJournal.Committed ? "completed" : "rolled back";
        failure = JournalRecovery.Recover(State!, journal);
        if (failure is null)
        {
            log.Warn(State!.JournalPath, $"an interrupted {journal.Operation} of '{journal.Driver}' was {what}");
        }

        return failure;
    }

    private static bool IsLink(string path) => HostRoot.TryReadLink(path, out _, out _);
}
