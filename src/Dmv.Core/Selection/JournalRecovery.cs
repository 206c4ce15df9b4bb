using Dmv.Core.FileSystem;
using Dmv.Core.State;

namespace Dmv.Core.Selection;

/// <summary>
/// Finishes or undoes a switch a previous run left half done. Every step can be repeated, so a
/// crash during recovery is recovered by the run after it.
/// </summary>
public static class JournalRecovery
{
    /// <summary>Reads the journal left in the state folder, if any; a corrupt one is a failure to report, never guessed at.</summary>
    public static bool TryRead(StateDirectory state, out SwitchJournal? journal, out Failure? failure)
    {
        journal = null;
        failure = null;
        byte[] buffer = new byte[4096];
        if (!FileContent.TryRead(state.JournalPath, 16 << 20, ref buffer, out int length, out int errno, out string reason))
        {
            if (errno != Errno.ENOENT)
            {
                failure = new Failure(errno, $"{state.JournalPath}: {reason}");
            }

            return false;
        }

        if (!JournalReader.TryParse(buffer.AsSpan(0, length), out journal, out string problem))
        {
            failure = new Failure(Errno.EUCLEAN, $"{state.JournalPath}: unreadable journal ({problem}); inspect it and the updates/ folders by hand, then remove it");
            return false;
        }

        if (journal!.State is not (SwitchJournal.Prepared or SwitchJournal.Committed))
        {
            failure = new Failure(Errno.EUCLEAN, $"{state.JournalPath}: journal in an unknown state; inspect it by hand, then remove it");
            journal = null;
            return false;
        }

        return true;
    }

    /// <summary>Completes or undoes the journal's switch; returns what was done, for the log.</summary>
    public static Failure? Recover(StateDirectory state, SwitchJournal journal) =>
        journal.State == SwitchJournal.Committed
            ? RollForward(state, journal, CrashPoint.Disarmed)
            : RollBack(state, journal);

    /// <summary>Nothing visible changed yet: remove the staged links and the journal.</summary>
    public static Failure? RollBack(StateDirectory state, SwitchJournal journal)
    {
        HostRoot root = state.Root;
        foreach (LinkChange change in journal.Changes)
        {
            if (change.Staged is null)
            {
                continue;
            }

            int errno = FileSystemWriter.Unlink(SwitchExecutor.Real(root, change, change.Staged));
            if (errno != 0 && errno != Errno.ENOENT)
            {
                return new Failure(errno, $"{SwitchExecutor.Real(root, change, change.Staged)}: {Errno.Describe(errno)}");
            }
        }

        return Finish(state, journal);
    }

    /// <summary>The switch was decided: move foreign files aside, rename every staged link into place, remove obsolete links.</summary>
    public static Failure? RollForward(StateDirectory state, SwitchJournal journal, CrashPoint crash)
    {
        HostRoot root = state.Root;
        foreach (LinkChange change in journal.Changes)
        {
            string path = SwitchExecutor.Real(root, change, change.Name);
            if (change.SetAside is not null)
            {
                string aside = SwitchExecutor.Real(root, change, change.SetAside);
                if (!Exists(aside) && Exists(path) && !IsLinkTo(path, change.NewTarget))
                {
                    int moved = FileSystemWriter.Rename(path, aside);
                    if (moved != 0)
                    {
                        return new Failure(moved, $"{path}: {Errno.Describe(moved)}");
                    }

                    crash.Passed();
                }
            }

            if (change.NewTarget is not null)
            {
                string staged = SwitchExecutor.Real(root, change, change.Staged!);
                if (IsLinkTo(staged, change.NewTarget))
                {
                    int renamed = FileSystemWriter.Rename(staged, path);
                    if (renamed != 0)
                    {
                        return new Failure(renamed, $"{path}: {Errno.Describe(renamed)}");
                    }
                }
                else if (!IsLinkTo(path, change.NewTarget))
                {
                    // The staged link is gone but the rename did not land: build it again.
                    FileSystemWriter.Unlink(staged);
                    int errno = FileSystemWriter.CreateSymbolicLink(change.NewTarget, staged);
                    errno = errno == 0 ? FileSystemWriter.Rename(staged, path) : errno;
                    if (errno != 0)
                    {
                        return new Failure(errno, $"{path}: {Errno.Describe(errno)}");
                    }
                }

                crash.Passed();
            }
            else if (change.OldTarget is not null && IsLinkTo(path, change.OldTarget))
            {
                int removed = FileSystemWriter.Unlink(path);
                if (removed != 0 && removed != Errno.ENOENT)
                {
                    return new Failure(removed, $"{path}: {Errno.Describe(removed)}");
                }

                crash.Passed();
            }
        }

        Failure? synced = SwitchExecutor.SyncFolders(root, journal);
        if (synced is not null)
        {
            return synced;
        }

        Failure? finished = Finish(state, journal);
        crash.Passed();
        return finished;
    }

    private static Failure? Finish(StateDirectory state, SwitchJournal journal)
    {
        int errno = FileSystemWriter.Unlink(state.JournalPath);
        if (errno != 0 && errno != Errno.ENOENT)
        {
            return new Failure(errno, $"{state.JournalPath}: {Errno.Describe(errno)}");
        }

        errno = FileSystemWriter.SyncDirectory(state.RealPath);
        return errno == 0 ? null : new Failure(errno, $"{state.RealPath}: {Errno.Describe(errno)}");
    }

    private static bool Exists(string realPath) =>
        HostRoot.TryReadLink(realPath, out _, out int errno) || errno != Errno.ENOENT;

    private static bool IsLinkTo(string realPath, string? target) =>
        target is not null && HostRoot.TryReadLink(realPath, out string actual, out _) && actual == target;
}
