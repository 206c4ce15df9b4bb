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

    /// <summary>Reads and empties the list (the caller holds the tree's lock).</summary>
    public static List<string> Take(StateDirectory state)
    {
        int descriptor = state.Folder.OpenFile(Name, NativeMethods.O_RDONLY, 0, out _);
        byte[] buffer = new byte[4096];
        if (descriptor < 0 || !FileContent.ReadAll(descriptor, 1 << 20, ref buffer, out int length, out _, regularFile: true))
        {
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
