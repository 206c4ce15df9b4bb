using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.State;

namespace Dmv.Core.Switching;

/// <summary>
/// Finishes or undoes a switch a previous run left half done. Every step can be repeated, so a
/// crash during recovery is recovered by the run after it. A journal is obeyed only when it can
/// only have been written by driver-tool running as this user (see <see cref="JournalTrust"/> and
/// <see cref="StateDirectory.TryReadTrusted"/>).
/// </summary>
internal static class JournalRecovery
{
    /// <summary>
    /// Reads the journal left in the state folder, if any; a corrupt or untrusted one is a failure to
    /// report, never guessed at. False with a null failure when there is no journal.
    /// </summary>
    public static bool TryRead(StateDirectory state, [NotNullWhen(true)] out SwitchJournal? journal, out Failure? failure)
    {
        journal = null;
        failure = null;
        byte[] buffer = new byte[4096];
        if (!state.TryReadTrusted(StateDirectory.JournalName, "journal", 16 << 20, ref buffer, out int length, out int errno, out string? problem))
        {
            if (errno != Errno.ENOENT)
            {
                failure = new Failure(errno, errno == Errno.EUCLEAN
                    ? $"{problem}; the journal is not applied: inspect it and the updates/ folders by hand, then remove it"
                    : problem ?? Errno.Describe(errno));
            }

            return false;
        }

        if (!JournalReader.TryParse(buffer.AsSpan(0, length), out journal, out string unreadable))
        {
            failure = new Failure(Errno.EUCLEAN, $"{state.JournalPath}: unreadable journal ({unreadable}); inspect it and the updates/ folders by hand, then remove it");
            return false;
        }

        string? untrusted = JournalTrust.CheckContents(journal);
        if (untrusted is not null)
        {
            failure = new Failure(Errno.EUCLEAN, $"{state.JournalPath}: {untrusted}; the journal is not applied: inspect it and the updates/ folders by hand, then remove it");
            journal = null;
            return false;
        }

        return true;
    }

    /// <summary>Completes or undoes the journal's switch.</summary>
    public static Failure? Recover(StateDirectory state, OpenFolders folders, SwitchJournal journal, DiagnosticLog log) =>
        journal.State == JournalState.Committed
            ? RollForward(state, folders, journal, CrashPoint.Disarmed, log, hooksOwed: journal.Hooks)
            : RollBack(state, folders, journal);

    /// <summary>Nothing visible changed yet: remove the staged links and the journal.</summary>
    public static Failure? RollBack(StateDirectory state, OpenFolders folders, SwitchJournal journal)
    {
        Failure? failure = RemoveStaged(folders, journal);
        if (failure is null && journal.DeselectedBefore is bool before)
        {
            // The administrator's decision was recorded before the commit mark: undone with the switch.
            int errno = DeselectionRecord.Set(state, journal.Driver, before, new DiagnosticLog());
            failure = errno is 0 ? null : new Failure(SwitchExecutor.WriteErrno(errno), $"{state.PathOf(DeselectionRecord.Name)}: the record of deselected drivers cannot be put back: {Errno.Describe(errno)}");
        }

        return failure ?? Finish(state);
    }

    /// <summary>Removes the staged links a journal names (missing ones are no problem).</summary>
    internal static Failure? RemoveStaged(OpenFolders folders, SwitchJournal journal)
    {
        // A probe a crash left (see SwitchExecutor.Probe) goes with the staged links.
        foreach (LinkChange first in journal.Changes.DistinctBy(static c => c.Updates))
        {
            if (folders.TryGet(first.Updates, create: false, out DirectoryHandle probed, out _))
            {
                probed.Remove(SwitchExecutor.ProbeName(journal.Id));
                probed.Remove(SwitchExecutor.ProbeName(journal.Id) + SwitchExecutor.ProbeMoved);
            }
        }

        foreach (LinkChange change in journal.Changes)
        {
            if (change.Staged is null)
            {
                continue;
            }

            if (!folders.TryGet(change.Updates, create: false, out DirectoryHandle updates, out Failure? unopened))
            {
                if (unopened.Errno == Errno.ENOENT)
                {
                    continue;
                }

                return unopened;
            }

            int errno = updates.Remove(change.Staged);
            if (errno != 0 && errno != Errno.ENOENT)
            {
                return new Failure(SwitchExecutor.WriteErrno(errno), $"{updates.RealPath}/{change.Staged}: {Errno.Describe(errno)}");
            }
        }

        return null;
    }

    /// <summary>The switch was decided: move foreign files aside, rename every staged link into place, remove obsolete links.</summary>
    /// <param name="hooksOwed">Whether the switch's hooks are to run (not with --no-hooks): then its journal becomes its pending-hooks record.</param>
    public static Failure? RollForward(StateDirectory state, OpenFolders folders, SwitchJournal journal, CrashPoint crash, DiagnosticLog log, bool hooksOwed)
    {
        foreach (LinkChange change in journal.Changes)
        {
            if (!folders.TryGet(change.Updates, create: change.NewTarget is not null, out DirectoryHandle updates, out Failure? unopened))
            {
                if (unopened.Errno == Errno.ENOENT)
                {
                    continue;
                }

                return unopened;
            }

            string path = $"{updates.RealPath}/{change.Name}";
            if (change.SetAside is not null)
            {
                if (updates.Contains(change.Name) && !IsLinkTo(updates, change.Name, change.NewTarget))
                {
                    // What stands at the name is still the foreign file: it is moved aside, never
                    // replaced, so a name someone took meanwhile stops the switch instead.
                    if (updates.Contains(change.SetAside))
                    {
                        return new Failure(Errno.EEXIST, $"{path}: cannot be moved aside, {updates.RealPath}/{change.SetAside} exists; remove or rename that, and the next run completes the switch");
                    }

                    int moved = updates.Rename(change.Name, change.SetAside);
                    if (moved != 0)
                    {
                        return new Failure(SwitchExecutor.WriteErrno(moved), $"{path}: {Errno.Describe(moved)}");
                    }

                    crash.Passed();
                }
            }

            if (change.NewTarget is not null)
            {
                if (IsLinkTo(updates, change.Staged!, change.NewTarget))
                {
                    int renamed = updates.Rename(change.Staged!, change.Name);
                    if (renamed != 0)
                    {
                        return new Failure(SwitchExecutor.WriteErrno(renamed), $"{path}: {Errno.Describe(renamed)}");
                    }
                }
                else if (!IsLinkTo(updates, change.Name, change.NewTarget))
                {
                    // The staged link is gone but the rename did not land: build it again.
                    updates.Remove(change.Staged!);
                    int errno = updates.CreateLink(change.NewTarget, change.Staged!);
                    errno = errno == 0 ? updates.Rename(change.Staged!, change.Name) : errno;
                    if (errno != 0)
                    {
                        return new Failure(SwitchExecutor.WriteErrno(errno), $"{path}: {Errno.Describe(errno)}");
                    }
                }

                crash.Passed();
            }
            else if (change.OldTarget is not null && IsLinkTo(updates, change.Name, change.OldTarget))
            {
                int removed = updates.Remove(change.Name);
                if (removed != 0 && removed != Errno.ENOENT)
                {
                    return new Failure(SwitchExecutor.WriteErrno(removed), $"{path}: {Errno.Describe(removed)}");
                }

                crash.Passed();
            }
        }

        Failure? synced = SwitchExecutor.SyncFolders(folders, journal);
        if (synced is not null)
        {
            return synced;
        }

        Failure? completed = Complete(state, journal, log, hooksOwed);
        crash.Passed();
        return completed;
    }

    /// <summary>
    /// The links are in place: the switch's history line is written (once, whoever gets here:
    /// the switch itself or the recovery of a run a crash stopped after it), then the journal
    /// becomes the switch's pending-hooks record in one rename, so a crash from here on still
    /// leaves its hooks to run (<see cref="PendingHooks"/>).
    /// </summary>
    private static Failure? Complete(StateDirectory state, SwitchJournal journal, DiagnosticLog log, bool hooksOwed)
    {
        HistoryLog.Record(state, journal, log);

        // An administrator's select or deselect decides whether auto-select may act on the driver; it
        // completes with the switch, so a crash cannot leave the links deselected and the decision unmade.
        if (journal.Operation is SwitchOperation.Select or SwitchOperation.Deselect)
        {
            bool deselected = journal.Operation == SwitchOperation.Deselect;
            int recorded = DeselectionRecord.Set(state, journal.Driver, deselected, log);
            if (recorded != 0)
            {
                log.Warn(state.PathOf(DeselectionRecord.Name), $"the {(deselected ? "deselection" : "selection")} of '{journal.Driver}' is not recorded: {Errno.Describe(recorded)}");
            }
        }

        int errno = hooksOwed ? state.Folder.Rename(StateDirectory.JournalName, PendingHooks.NameOf(journal.Id)) : state.Folder.Remove(StateDirectory.JournalName);
        if (errno != 0 && errno != Errno.ENOENT)
        {
            return new Failure(errno, $"{state.JournalPath}: {Errno.Describe(errno)}");
        }

        // The rename must be durable before anything else happens, or a power cut brings back a finished switch's journal.
        errno = state.Folder.Sync();
        return errno == 0 ? null : new Failure(errno, $"{state.RealPath}: {Errno.Describe(errno)}");
    }

    private static Failure? Finish(StateDirectory state)
    {
        int errno = state.Folder.Remove(StateDirectory.JournalName);
        if (errno != 0 && errno != Errno.ENOENT)
        {
            return new Failure(errno, $"{state.JournalPath}: {Errno.Describe(errno)}");
        }

        // The journal's removal must be durable before anything else happens, or a power cut
        // brings back a finished switch's journal.
        errno = state.Folder.Sync();
        return errno == 0 ? null : new Failure(errno, $"{state.RealPath}: {Errno.Describe(errno)}");
    }

    private static bool IsLinkTo(DirectoryHandle folder, string name, string? target) =>
        target is not null && folder.TryReadLink(name, out string actual, out _) && actual == target;
}
