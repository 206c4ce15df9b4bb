using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.State;

/// <summary>
/// /var/lib/driver-tool/failed-boots: the variants that used up a trial's tries on this host, one
/// "DRIVER TAB VARIANT TAB TRIAL-ID" a line. auto-select (at boot too: the initrd carries the file)
/// and reconcile pass such a variant over, explain says why, and an explicit select of it clears the
/// mark. Obeyed only when it is a regular file of the effective user's that nobody else may write.
/// </summary>
internal sealed class FailedBootRecord
{
    public const string Name = "failed-boots";

    private readonly Dictionary<(string Driver, string Variant), string> _marks;

    private FailedBootRecord(Dictionary<(string Driver, string Variant), string> marks) => _marks = marks;

    public static FailedBootRecord Empty => new([]);

    public int Count => _marks.Count;

    /// <summary>The trial in which the variant failed to boot, or null.</summary>
    public string? TrialOf(string driver, string variant) => _marks.GetValueOrDefault((driver, variant));

    public bool Contains(string driver, string variant) => _marks.ContainsKey((driver, variant));

    /// <summary>The marks; an untrusted or unreadable record is a warning and counts as empty (<paramref name="untrusted"/> says why).</summary>
    public static FailedBootRecord Read(StateDirectory? state, DiagnosticLog log, out string? untrusted)
    {
        untrusted = null;
        var marks = new Dictionary<(string, string), string>();
        if (state is null)
        {
            return new(marks);
        }

        byte[] buffer = new byte[4096];
        if (!state.TryReadTrusted(Name, "record", 1 << 20, ref buffer, out int length, out int errno, out string? problem))
        {
            if (errno != Errno.ENOENT)
            {
                untrusted = problem ?? $"{state.PathOf(Name)}: {Errno.Describe(errno)}";
                log.Warn(state.PathOf(Name), $"{(problem is null ? Errno.Describe(errno) : problem)}; the variants that failed to boot are not known");
            }

            return new(marks);
        }

        foreach (string line in System.Text.Encoding.UTF8.GetString(buffer, 0, length).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] fields = line.Split('\t');
            if (fields.Length == 3 && Dmv.Core.Catalog.NameRules.CheckName("driver", fields[0]) is null
                && Dmv.Core.Catalog.NameRules.CheckName("variant", fields[1]) is null && TrialRecordFile.IsId(fields[2]))
            {
                marks[(fields[0], fields[1])] = fields[2];
            }
        }

        return new(marks);
    }

    /// <summary>Marks (with a trial id) or clears (null) a variant; the caller holds the tree's lock. 0 or the errno.</summary>
    public static int Set(StateDirectory state, string driver, string variant, string? trial, DiagnosticLog log)
    {
        FailedBootRecord record = Read(state, log, out string? untrusted);
        if (untrusted is not null)
        {
            return Errno.EUCLEAN;
        }

        if (trial is null ? !record._marks.Remove((driver, variant)) : record._marks.GetValueOrDefault((driver, variant)) == trial)
        {
            return 0;
        }

        if (trial is not null)
        {
            record._marks[(driver, variant)] = trial;
        }

        if (record._marks.Count == 0)
        {
            int removed = state.Folder.Remove(Name);
            return removed is 0 or Errno.ENOENT ? state.Folder.Sync() : removed;
        }

        var lines = new List<string>();
        foreach (((string d, string v), string id) in record._marks)
        {
            lines.Add($"{d}\t{v}\t{id}\n");
        }

        lines.Sort(StringComparer.Ordinal);
        return state.Folder.WriteFileAtomically(Name, System.Text.Encoding.UTF8.GetBytes(string.Concat(lines)), StateDirectory.PublicMode);
    }
}
