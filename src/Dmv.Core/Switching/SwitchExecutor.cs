using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.State;

namespace Dmv.Core.Switching;

/// <summary>
/// Carries out a switch so that an interruption at any point leaves a journal from which the next
/// run finishes it or undoes it: the journal is written ("prepared"), every new link is built
/// beside the old ones under a hidden name, the journal is marked "committed" (the point of no
/// return), the new links are renamed over the old ones and obsolete links removed, the folders are
/// synced, and the journal is deleted. Each durable step passes a <see cref="CrashPoint"/>. Every
/// write is made through the updates/ folders' descriptors in <paramref name="folders"/> — the
/// ones the plan was read through.
/// </summary>
internal static class SwitchExecutor
{
    /// <param name="decide">
    /// Asked, when some kernels could not be written (an immutable or read-only updates/, a full file
    /// system), whether the switch may go on without them: null to go on, or the failure that stops
    /// it (everything staged is then undone). Those kernels keep exactly what they had and are
    /// returned in <paramref name="failed"/>; their changes leave the journal before it is committed.
    /// </param>
    /// <param name="hooksOwed">See <see cref="JournalRecovery.RollForward"/>.</param>
    public static Failure? Execute(StateDirectory state, OpenFolders folders, SwitchJournal journal, CrashPoint crash, Func<IReadOnlyList<KernelFailure>, Failure?>? decide, DiagnosticLog log, bool hooksOwed, out List<KernelFailure> failedKernels)
    {
        var failed = new List<KernelFailure>();
        failedKernels = failed;
        // Every kernel in the switch must let links be made, renamed and removed there (not an
        // append-only or immutable updates/, where a deselect stages nothing): found out before
        // anything is written, such a kernel keeps what it had instead of holding up a switch
        // that can neither be finished nor undone.
        foreach (LinkChange first in journal.Changes.DistinctBy(static c => c.Updates))
        {
            if (!folders.TryGet(first.Updates, create: true, out DirectoryHandle updates, out Failure? unopened))
            {
                failed.Add(new KernelFailure(first.Kernel, new Failure(WriteErrno(unopened.Errno), WriteReason(unopened.Errno, unopened.Message))));
            }
            else if (Probe(updates, journal.Id) is int refused and not 0)
            {
                failed.Add(new KernelFailure(first.Kernel, new Failure(WriteErrno(refused), WriteReason(refused, $"{updates.RealPath}: links there cannot be made, renamed and removed ({Errno.Describe(refused)})"))));
            }
        }

        if (failed.Count > 0)
        {
            if (Refused(decide, failed) is { } stop)
            {
                return stop;
            }

            journal.Changes.RemoveAll(c => failed.Any(f => f.Kernel == c.Kernel));
            if (journal.Changes.Count == 0)
            {
                return null;
            }
        }

        // What the administrator's decision was before this select or deselect, in the journal before it changes.
        if (journal.Operation is SwitchOperation.Select or SwitchOperation.Deselect)
        {
            HashSet<string> deselected = DeselectionRecord.Read(state, log, out string? untrusted);
            journal.DeselectedBefore = untrusted is null ? deselected.Contains(journal.Driver) : null;
        }

        journal.State = JournalState.Prepared;
        Failure? failure = WriteJournal(state, journal);
        if (failure is not null)
        {
            return failure;
        }

        crash.Passed();
        int staged = failed.Count;
        foreach (LinkChange change in journal.Changes)
        {
            if (change.NewTarget is null || failed.Any(f => f.Kernel == change.Kernel))
            {
                continue;
            }

            folders.TryGet(change.Updates, create: false, out DirectoryHandle updates, out _);
            updates.Remove(change.Staged!);
            int errno = updates.CreateLink(change.NewTarget, change.Staged!);
            if (errno != 0)
            {
                // This kernel cannot be written: it keeps what it had; the others go on if the policy allows.
                failed.Add(new KernelFailure(change.Kernel, new Failure(WriteErrno(errno), WriteReason(errno, $"{updates.RealPath}/{change.Staged}: {Errno.Describe(errno)}"))));
                continue;
            }

            crash.Passed();
        }

        if (failed.Count > staged)
        {
            if (Refused(decide, failed) is { } refusal)
            {
                JournalRecovery.RollBack(state, folders, journal);
                return refusal;
            }

            // The kernels that failed leave the switch: their staged links go, then the journal says so.
            var dropped = new SwitchJournal { Id = journal.Id, State = JournalState.Prepared, Operation = journal.Operation, Driver = journal.Driver, Variant = journal.Variant, Changes = journal.Changes.Where(c => failed.Any(f => f.Kernel == c.Kernel)).ToList() };
            JournalRecovery.RemoveStaged(folders, dropped);
            journal.Changes.RemoveAll(c => failed.Any(f => f.Kernel == c.Kernel));
            if (journal.Changes.Count == 0)
            {
                return JournalRecovery.RollBack(state, folders, journal);
            }

            failure = WriteJournal(state, journal);
            if (failure is not null)
            {
                JournalRecovery.RollBack(state, folders, journal);
                return failure;
            }
        }

        // An administrator's select or deselect decides whether auto-select may act on the driver: that
        // decision is written before the commit mark, so a record that cannot be written (not
        // driver-tool's own, a full disk) stops the switch with nothing changed rather than after it.
        if (journal.Operation is SwitchOperation.Select or SwitchOperation.Deselect)
        {
            int recorded = DeselectionRecord.Set(state, journal.Driver, journal.Operation == SwitchOperation.Deselect, log);
            if (recorded != 0)
            {
                JournalRecovery.RollBack(state, folders, journal);
                return new Failure(recorded == Errno.EUCLEAN ? Errno.EUCLEAN : WriteErrno(recorded),
                    $"{state.PathOf(DeselectionRecord.Name)}: the administrator's decision cannot be recorded ({(recorded == Errno.EUCLEAN ? "the record is not driver-tool's own; fix or remove it" : Errno.Describe(recorded))}); nothing was switched");
            }

            crash.Passed();
        }

        // No folder sync here: if a staged link is lost in a power cut after the commit mark,
        // rolling forward builds it again from the journal.
        journal.Hooks = hooksOwed;
        journal.State = JournalState.Committed;
        failure = WriteJournal(state, journal);
        if (failure is not null)
        {
            // Not committed: what is on disk is the prepared journal, which the rollback removes (or the next run does).
            journal.State = JournalState.Prepared;
            JournalRecovery.RollBack(state, folders, journal);
            return failure;
        }

        crash.Passed();
        return JournalRecovery.RollForward(state, folders, journal, crash, log, hooksOwed);
    }

    /// <summary>The hidden name a switch probes an updates/ folder with: a staged name, so verify --repair knows it.</summary>
    internal static string ProbeName(string switchId) => LinkChange.StagedName("probe", switchId);

    internal const string ProbeMoved = "-moved";

    /// <summary>Makes, renames and removes a link: 0 when the folder allows all three, else the errno (EPERM for an immutable or append-only folder, found without writing in it).</summary>
    private static int Probe(DirectoryHandle updates, string switchId)
    {
        if (updates.RefusesRenames())
        {
            return Errno.EPERM;
        }

        string name = ProbeName(switchId);
        updates.Remove(name);
        updates.Remove(name + ProbeMoved);
        int errno = updates.CreateLink("probe", name);
        if (errno != 0)
        {
            return errno;
        }

        errno = updates.Rename(name, name + ProbeMoved);
        if (errno != 0)
        {
            updates.Remove(name);
            return errno;
        }

        return updates.Remove(name + ProbeMoved);
    }

    private static Failure? Refused(Func<IReadOnlyList<KernelFailure>, Failure?>? decide, List<KernelFailure> failed) =>
        decide is null ? failed[0].Failure : decide(failed);

    /// <summary>
    /// A write the file system refused with EPERM (an immutable folder) is reported as EACCES: exit
    /// status 1 means an unsigned module, and one code has one meaning. The message keeps the system's words.
    /// </summary>
    internal static int WriteErrno(int errno) => errno == Errno.EPERM ? Errno.EACCES : errno;

    private static string WriteReason(int errno, string reason) =>
        errno == Errno.EPERM ? reason + " (an immutable file or folder, or a security module, refused the write)" : reason;

    /// <summary>
    /// The journal is written through a temporary, fsynced and renamed into place, and the state
    /// folder fsynced: the "prepared" mark must be on disk before a staged link is, and the
    /// "committed" mark before any link is renamed, or a power cut leaves links no journal explains.
    /// </summary>
    internal static Failure? WriteJournal(StateDirectory state, SwitchJournal journal)
    {
        byte[] bytes = StateJson.Serialize(journal, JournalJsonContext.Default.SwitchJournal);
        int errno = state.Folder.WriteFileAtomically(StateDirectory.JournalName, bytes, StateDirectory.PrivateMode);
        return errno == 0 ? null : new Failure(errno, $"{state.JournalPath}: {Errno.Describe(errno)}");
    }

    /// <summary>
    /// fsync of every updates/ folder the switch changed: the renames and removals must be on disk
    /// before the journal is removed, or a power cut after its removal can bring back old links.
    /// </summary>
    internal static Failure? SyncFolders(OpenFolders folders, SwitchJournal journal)
    {
        foreach (string path in journal.Changes.Select(static c => c.Updates).Distinct())
        {
            if (!folders.TryGet(path, create: false, out DirectoryHandle updates, out Failure? failure))
            {
                if (failure.Errno == Errno.ENOENT)
                {
                    continue;
                }

                return failure;
            }

            int errno = updates.Sync();
            if (errno != 0)
            {
                return new Failure(errno, $"{updates.RealPath}: {Errno.Describe(errno)}");
            }
        }

        return null;
    }
}
