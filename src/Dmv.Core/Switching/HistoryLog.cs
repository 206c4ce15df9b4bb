using Dmv.Core.Diagnostics;
using Dmv.Core.State;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Switching;

/// <summary>
/// Appends a switch's line to history.jsonl: once, whoever records it (a switch, or the recovery of
/// one a crash interrupted after its line was written). The history is informative, so a failure
/// to write it is a warning.
/// </summary>
internal static class HistoryLog
{
    private const int RecentBytes = 64 * 1024;

    public static void Record(StateDirectory state, SwitchJournal journal, DiagnosticLog log) =>
        Record(state, journal.Id, journal.Operation, journal.Driver, journal.Variant,
            journal.Changes.Select(static c => c.Kernel).Distinct(StringComparer.Ordinal),
            journal.Changes.Where(static c => c.SetAside is not null).Select(static c => $"{c.Updates}/{c.Name} -> {c.Updates}/{c.SetAside}"), log);

    /// <summary>A line for what is not a switch (a trial confirmed): once per <paramref name="id"/>.</summary>
    public static void Record(StateDirectory state, string id, string operation, string driver, string? variant, List<string> kernels, List<string> movedAside, DiagnosticLog log)
    {
        if (AlreadyRecorded(state, id))
        {
            return;
        }

        var entry = new HistoryEntry
        {
            Time = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture),
            Id = id,
            Operation = operation,
            Driver = driver,
            Variant = variant,
            Kernels = kernels,
            MovedAside = movedAside,
        };
        byte[] line = [.. StateJson.Serialize(entry, StateJsonContext.Default.HistoryEntry), (byte)'\n'];
        int errno = state.Folder.Append(StateDirectory.HistoryName, line, StateDirectory.PublicMode, onNewLine: true);
        if (errno != 0)
        {
            log.Warn(state.HistoryPath, $"history not written: {Errno.Describe(errno)}");
        }
    }

    /// <summary>Whether the newest lines already hold the switch (a recovery after a crash between the line and the journal's end).</summary>
    private static bool AlreadyRecorded(StateDirectory state, string id)
    {
        byte[] buffer = new byte[4096];
        if (!state.TryReadTrusted(StateDirectory.HistoryName, "history", RecentBytes, tail: true, ref buffer, out int length, out _, out _, out _))
        {
            return false;
        }

        byte[] needle = System.Text.Encoding.UTF8.GetBytes($"\"id\":\"{id}\"");
        return buffer.AsSpan(0, length).IndexOf(needle) >= 0;
    }
}
