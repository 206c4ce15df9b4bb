using System.Text.Json;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.State;

/// <summary>
/// Reads /var/lib/driver-tool/history.jsonl newest first, for <c>driver-tool history</c>. The file
/// only grows, so only its last <see cref="MaxBytes"/> are read (some 60,000 switches): memory stays
/// bounded however old the host. A line that is not a history record (one a power cut tore) is
/// reported and passed over.
/// </summary>
internal static class HistoryReader
{
    public const int MaxBytes = 16 << 20;
    private const int MaxReportedLines = 100;

    /// <param name="driver">Only this driver's records, when set.</param>
    /// <param name="limit">At most this many records, when set.</param>
    public static bool TryRead(StateDirectory? state, string? driver, int? limit, DiagnosticLog log, out List<HistoryEntry> entries, out int errno, [NotNullWhen(false)] out string? problem)
    {
        entries = [];
        errno = 0;
        problem = null;
        if (state is null)
        {
            return true;
        }

        byte[] buffer = new byte[64 * 1024];
        if (!state.TryReadTrusted(StateDirectory.HistoryName, "history", MaxBytes, tail: true, ref buffer, out int length, out errno, out problem, out bool cut))
        {
            return errno == Errno.ENOENT;
        }

        ReadOnlySpan<byte> text = buffer.AsSpan(0, length);
        if (cut)
        {
            // The first line read may be the end of an older one.
            int newline = text.IndexOf((byte)'\n');
            text = newline < 0 ? default : text[(newline + 1)..];
            log.Warn(state.HistoryPath, $"longer than {MaxBytes >> 20} MiB; only its newest records are read");
        }

        int skipped = 0;
        int lineNumber = text.Count((byte)'\n') + (text.Length > 0 && text[^1] != (byte)'\n' ? 1 : 0);
        while (text.Length > 0 && (limit is null || entries.Count < limit))
        {
            int start = text[..^1].LastIndexOf((byte)'\n') + 1;
            ReadOnlySpan<byte> line = text[start..].TrimEnd((byte)'\n');
            text = text[..start];
            if (line.IsEmpty)
            {
                lineNumber--;
                continue;
            }

            if (TryParse(line, out HistoryEntry? entry))
            {
                if (driver is null || entry.Driver == driver)
                {
                    entries.Add(entry);
                }
            }
            else if (++skipped <= MaxReportedLines)
            {
                log.Warn(state.HistoryPath, $"line {(cut ? "" : lineNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) + " ")}is not a history record; skipped");
            }

            lineNumber--;
        }

        if (skipped > MaxReportedLines)
        {
            log.Warn(state.HistoryPath, $"{skipped - MaxReportedLines} more lines are not history records; skipped");
        }

        return true;
    }

    private static bool TryParse(ReadOnlySpan<byte> line, [NotNullWhen(true)] out HistoryEntry? entry)
    {
        entry = null;
        try
        {
            var reader = new Utf8JsonReader(line);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            string? time = null, id = null, operation = null, driver = null, variant = null;
            List<string>? kernels = null, movedAside = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                switch (key)
                {
                    case "time": time = Text(ref reader); break;
                    case "id": id = Text(ref reader); break;
                    case "operation": operation = Text(ref reader); break;
                    case "driver": driver = Text(ref reader); break;
                    case "variant": variant = reader.TokenType == JsonTokenType.Null ? null : Text(ref reader); break;
                    case "kernels": kernels = Texts(ref reader); break;
                    case "moved_aside": movedAside = Texts(ref reader); break;
                    default: reader.Skip(); break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || time is null || id is null || operation is null || driver is null || kernels is null)
            {
                return false;
            }

            entry = new HistoryEntry { Time = time, Id = id, Operation = operation, Driver = driver, Variant = variant, Kernels = kernels, MovedAside = movedAside ?? [] };
            return true;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    private static string Text(ref Utf8JsonReader reader) =>
        reader.TokenType == JsonTokenType.String ? reader.GetString()! : throw new InvalidOperationException("not a string");

    private static List<string> Texts(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new InvalidOperationException("not a list");
        }

        var values = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(Text(ref reader));
        }

        return values;
    }
}
