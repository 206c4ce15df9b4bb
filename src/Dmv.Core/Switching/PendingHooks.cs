using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.State;

namespace Dmv.Core.Switching;

/// <summary>
/// The hooks a completed switch still owes: its journal, renamed <c>hooks-ID</c> when its links were
/// in place (see <see cref="JournalRecovery"/>), and removed once depmod and the initrd ran for its
/// kernels. A crash between the switch and its hooks leaves the record; the next command that runs
/// hooks runs them too. Trusted as the journal is: ours, 0600, known format and contents.
/// </summary>
internal static class PendingHooks
{
    public const string Prefix = "hooks-";

    public static string NameOf(string switchId) => Prefix + switchId;

    /// <summary>The switches whose hooks are owed, in the order they were made; an untrusted or unreadable record is reported and left.</summary>
    public static List<(string Name, SwitchJournal Journal)> Read(StateDirectory state, DiagnosticLog log)
    {
        var records = new List<(string, SwitchJournal)>();
        var entries = new List<DirectoryEntry>();
        if (!state.Folder.TryListFromStart(entries, new byte[4096], out _))
        {
            return records;
        }

        foreach (DirectoryEntry entry in entries.Where(static e => e.NameIsValid && e.Name.StartsWith(Prefix, StringComparison.Ordinal)).OrderBy(static e => e.Name, StringComparer.Ordinal))
        {
            byte[] buffer = new byte[4096];
            if (!state.TryReadTrusted(entry.Name, "pending hooks record", 16 << 20, ref buffer, out int length, out int errno, out string? problem))
            {
                if (errno != Errno.ENOENT)
                {
                    log.Warn(state.PathOf(entry.Name), $"{problem ?? Errno.Describe(errno)}; its hooks are not run: run depmod for its kernels, then remove it");
                }

                continue;
            }

            if (!JournalReader.TryParse(buffer.AsSpan(0, length), out SwitchJournal? journal, out string reason) || JournalTrust.CheckContents(journal) is string untrusted)
            {
                log.Warn(state.PathOf(entry.Name), $"not a record driver-tool wrote ({(journal is null ? reason : JournalTrust.CheckContents(journal))}); its hooks are not run: remove it");
                continue;
            }

            if (entry.Name != NameOf(journal.Id))
            {
                log.Warn(state.PathOf(entry.Name), $"names switch '{journal.Id}', not the one its name says; its hooks are not run: remove it");
                continue;
            }

            records.Add((entry.Name, journal));
        }

        return records;
    }
}
