using System.Text.Json;
using Dmv.Core.FileSystem;
using Dmv.Core.Json;
using Dmv.Core.State;

namespace Dmv.Core.Selection;

/// <summary>
/// Carries out a switch so that an interruption at any point leaves a journal from which the next
/// run finishes it or undoes it: the journal is written ("prepared"), every new link is built
/// beside the old ones under a hidden name, the journal is marked "committed" (the point of no
/// return), the new links are renamed over the old ones and obsolete links removed, the folders are
/// synced, and the journal is deleted. Each durable step passes a <see cref="CrashPoint"/>.
/// </summary>
public static class SwitchExecutor
{
    public static Failure? Execute(StateDirectory state, SwitchJournal journal, CrashPoint crash)
    {
        HostRoot root = state.Root;
        foreach (string updates in journal.Changes.Select(static c => c.Updates).Distinct())
        {
            int made = FileSystemWriter.MakeDirectories(root.IsSystemRoot ? "/" : root.RealRoot, root.RealPathOf(updates));
            if (made != 0)
            {
                return new Failure(made, $"{root.RealPathOf(updates)}: {Errno.Describe(made)}");
            }
        }

        journal.State = SwitchJournal.Prepared;
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

            string staged = Real(root, change, change.Staged!);
            FileSystemWriter.Unlink(staged);
            int errno = FileSystemWriter.CreateSymbolicLink(change.NewTarget, staged);
            if (errno != 0)
            {
                JournalRecovery.RollBack(state, journal);
                return new Failure(errno, $"{staged}: {Errno.Describe(errno)}");
            }

            crash.Passed();
        }

        // No folder sync here: if a staged link is lost in a power cut after the commit mark,
        // rolling forward builds it again from the journal.
        journal.State = SwitchJournal.Committed;
        failure = WriteJournal(state, journal);
        if (failure is not null)
        {
            JournalRecovery.RollBack(state, journal);
            return failure;
        }

        crash.Passed();
        return JournalRecovery.RollForward(state, journal, crash);
    }

    internal static Failure? WriteJournal(StateDirectory state, SwitchJournal journal)
    {
        byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(journal, DmvJsonContext.Default.SwitchJournal);
        int errno = FileSystemWriter.WriteFileAtomically(state.JournalPath, bytes);
        return errno == 0 ? null : new Failure(errno, $"{state.JournalPath}: {Errno.Describe(errno)}");
    }

    internal static Failure? SyncFolders(HostRoot root, SwitchJournal journal)
    {
        foreach (string updates in journal.Changes.Select(static c => c.Updates).Distinct())
        {
            int errno = FileSystemWriter.SyncDirectory(root.RealPathOf(updates));
            if (errno != 0)
            {
                return new Failure(errno, $"{root.RealPathOf(updates)}: {Errno.Describe(errno)}");
            }
        }

        return null;
    }

    internal static string Real(HostRoot root, LinkChange change, string name) => root.RealPathOf(change.Updates) + "/" + name;
}
