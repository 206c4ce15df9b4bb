using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.State;

/// <summary>
/// /var/lib/driver-tool/deselected: the drivers an administrator sent back to the in-tree module
/// with an explicit deselect, one name a line. auto-select (and so the boot hook, which carries the
/// file into the initrd) and reconcile leave them alone until the next explicit select of that
/// driver; otherwise the next boot would undo the administrator's decision. Like every state file
/// it is obeyed only when it is a regular file of the effective user's that nobody else may write.
/// </summary>
internal static class DeselectionRecord
{
    public const string Name = "deselected";

    /// <summary>The recorded drivers; an untrusted or unreadable record is a warning and counts as empty.</summary>
    public static HashSet<string> Read(StateDirectory? state, DiagnosticLog log) => Read(state, log, out _);

    /// <summary>As <see cref="Read(StateDirectory?, DiagnosticLog)"/>; <paramref name="untrusted"/> says why a record that exists was not obeyed.</summary>
    public static HashSet<string> Read(StateDirectory? state, DiagnosticLog log, out string? untrusted)
    {
        untrusted = null;
        var drivers = new HashSet<string>(StringComparer.Ordinal);
        if (state is null)
        {
            return drivers;
        }

        byte[] buffer = new byte[4096];
        if (!state.TryReadTrusted(Name, "record", 1 << 20, ref buffer, out int length, out int errno, out string? problem))
        {
            if (errno != Errno.ENOENT)
            {
                untrusted = errno == Errno.EUCLEAN ? problem : $"{state.PathOf(Name)}: {Errno.Describe(errno)}";
                log.Warn(state.PathOf(Name), errno == Errno.EUCLEAN ? $"{problem}; the record of deselected drivers is not obeyed" : $"{Errno.Describe(errno)}; deselections are not known");
            }

            return drivers;
        }

        // Names are kept exactly (a name may start with a space); only what no name can be is dropped.
        foreach (string line in System.Text.Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (Dmv.Core.Catalog.NameRules.CheckName("driver", line) is null)
            {
                drivers.Add(line);
            }
        }

        return drivers;
    }

    /// <summary>Records or forgets a driver (the caller holds the tree's lock); 0 or the errno.</summary>
    public static int Set(StateDirectory state, string driver, bool deselected, DiagnosticLog log)
    {
        HashSet<string> drivers = Read(state, log, out string? untrusted);
        if (untrusted is not null)
        {
            // Never written over: whoever made it is for a person to find out.
            return Errno.EUCLEAN;
        }

        if (!(deselected ? drivers.Add(driver) : drivers.Remove(driver)))
        {
            return 0;
        }

        if (drivers.Count == 0)
        {
            int removed = state.Folder.Remove(Name);
            return removed is 0 or Errno.ENOENT ? state.Folder.Sync() : removed;
        }

        string text = string.Concat(drivers.Order(StringComparer.Ordinal).Select(d => d + "\n"));
        return state.Folder.WriteFileAtomically(Name, System.Text.Encoding.UTF8.GetBytes(text), StateDirectory.PublicMode);
    }
}
