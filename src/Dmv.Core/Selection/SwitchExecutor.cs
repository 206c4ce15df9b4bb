using Dmv.Core.FileSystem;
using Dmv.Core.State;

namespace Dmv.Core.Selection;

/// <summary>
/// Carries out a switch so that an interruption at any point leaves a journal from which the next
/// run finishes it or undoes it: the journal is written ("prepared"), every new link is built
/// beside the old ones under a hidden name, the journal is marked "committed" (the point of no
/// return), the new links are renamed over the old ones and obsolete links removed, the folders are
/// synced, and the journal is deleted. Each durable step passes a <see cref="CrashPoint"/>. Every
/// write is made through the updates/ folders' descriptors in <paramref name="folders"/> — the
/// ones the plan was read through.
/// </summary>
public static class SwitchExecutor
{
    public static Failure? Execute(StateDirectory state, OpenFolders folders, SwitchJournal journal, CrashPoint crash)
    {
        foreach (string updates in journal.Changes.Select(static c => c.Updates).Distinct())
        {
            if (!folders.TryGet(updates, create: true, out _, out int made, out string reason))
            {
                return new Failure(made, reason);
            }
        }

        journal.State = JournalState.Prepared;
        Failure? failure = WriteJournal(state, journal);
        if (failure is not null)
        {
            return failure;
        }

        crash.Passed();
        foreach (LinkChange change in journal.Changes)
        {
            if (change.NewTarget is null)
            {
                continue;
            }

            folders.TryGet(change.Updates, create: false, out DirectoryHandle updates, out _, out _);
            updates.Remove(change.Staged!);
            int errno = updates.CreateLink(change.NewTarget, change.Staged!);
            if (errno != 0)
            {
                JournalRecovery.RollBack(state, folders, journal);
                return new Failure(errno, $"{updates.RealPath}/{change.Staged}: {Errno.Describe(errno)}");
            }

            crash.Passed();
        }

        // No folder sync here: if a staged link is lost in a power cut after the commit mark,
        // rolling forward builds it again from the journal.
        journal.State = JournalState.Committed;
        failure = WriteJournal(state, journal);
        if (failure is not null)
        {
            JournalRecovery.RollBack(state, folders, journal);
            return failure;
        }

        crash.Passed();
        return JournalRecovery.RollForward(state, folders, journal, crash);
    }

    /// <summary>
    /// The journal is written through a temporary, fsynced and renamed into place, and the state
    /// folder fsynced: the "prepared" mark must be on disk before a staged link is, and the
    /// "committed" mark before any link is renamed, or a power cut leaves links no journal explains.
    /// </summary>
    internal static Failure? WriteJournal(StateDirectory state, SwitchJournal journal)
    {
        byte[] bytes = StateJson.Serialize(journal, StateJsonContext.Default.SwitchJournal);
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
            if (!folders.TryGet(path, create: false, out DirectoryHandle updates, out int errno, out string reason))
            {
                if (errno == Errno.ENOENT)
                {
                    continue;
                }

                return new Failure(errno, reason);
            }

            errno = updates.Sync();
            if (errno != 0)
            {
                return new Failure(errno, $"{updates.RealPath}: {Errno.Describe(errno)}");
            }
        }

        return null;
    }
}
