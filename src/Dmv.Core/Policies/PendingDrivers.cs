using Dmv.Core.FileSystem;
using Dmv.Core.State;
using Dmv.Core.Catalog;

namespace Dmv.Core.Policies;

/// <summary>
/// /var/lib/driver-tool/pending: one driver name a line, appended by the RPM scriptlets of driver
/// packages (%post, %postun) and taken whole by the first reconcile at the end of the transaction,
/// so depmod and the initrd run once per transaction however many packages it holds.
/// </summary>
internal static class PendingDrivers
{
    public const string Name = "pending";

    /// <summary>
    /// Reads the list (the caller holds the tree's lock, and calls <see cref="Clear"/> once every
    /// driver in it is reconciled, so a crash half way leaves the rest for the next reconcile). Like
    /// every state file it is obeyed only when it is ours (the scriptlets run as root); otherwise it
    /// is reported and left.
    /// </summary>
    public static List<string> Read(StateDirectory state, Diagnostics.DiagnosticLog log)
    {
        byte[] buffer = new byte[4096];
        if (!state.TryReadTrusted(Name, "pending list", 1 << 20, ref buffer, out int length, out int errno, out string? problem))
        {
            if (errno != Errno.ENOENT)
            {
                log.Warn(state.PathOf(Name), $"{problem ?? Errno.Describe(errno)}; the drivers in it are not reconciled");
            }

            return [];
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, length)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(name => NameRules.CheckName("driver", name) is null)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    public static void Clear(StateDirectory state)
    {
        if (state.Folder.Remove(Name) == 0)
        {
            state.Folder.Sync();
        }
    }
}
