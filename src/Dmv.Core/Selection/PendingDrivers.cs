using Dmv.Core.FileSystem;
using Dmv.Core.State;

namespace Dmv.Core.Selection;

/// <summary>
/// /var/lib/driver-tool/pending: one driver name a line, appended by the RPM scriptlets of driver
/// packages (%post, %postun) and taken whole by the first reconcile at the end of the transaction,
/// so depmod and the initrd run once per transaction however many packages it holds.
/// </summary>
public static class PendingDrivers
{
    public const string Name = "pending";

    /// <summary>
    /// Reads and empties the list (the caller holds the tree's lock). Like every state file it is
    /// obeyed only when it is ours (the scriptlets run as root); otherwise it is reported and left.
    /// </summary>
    public static List<string> Take(StateDirectory state, Diagnostics.DiagnosticLog log)
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

        var drivers = System.Text.Encoding.UTF8.GetString(buffer, 0, length)
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(name => NameRules.CheckComponent("driver", name) is null)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        state.Folder.Remove(Name);
        state.Folder.Sync();
        return drivers;
    }
}
