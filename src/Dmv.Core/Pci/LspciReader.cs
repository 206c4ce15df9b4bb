using System.Buffers;
using System.IO.Pipelines;
using Dmv.Core.Diagnostics;

namespace Dmv.Core.Pci;

/// <summary>
/// Reads <c>lspci -nm</c> text as it streams in (a file or a pipe from lspci), one line at a
/// time from a pipe's buffers, without holding the whole text. Bad lines are reported and skipped.
/// </summary>
public static class LspciReader
{
    private const int MaxLineLength = 4096;

    public static async Task<List<PciDevice>> ReadAsync(Stream input, string sourceName, DiagnosticLog log, CancellationToken cancellation = default)
    {
        var devices = new List<PciDevice>();
        PipeReader reader = PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        int lineNumber = 0;
        bool skipping = false;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellation).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (skipping)
                {
                    // The rest of an over-long line: dropped up to its end, then reading goes on.
                    SequencePosition? end = buffer.PositionOf((byte)'\n');
                    if (end is null)
                    {
                        reader.AdvanceTo(buffer.End);
                        if (result.IsCompleted)
                        {
                            break;
                        }

                        continue;
                    }

                    buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
                    skipping = false;
                }

                while (TryTakeLine(ref buffer, out ReadOnlySequence<byte> line))
                {
                    lineNumber++;
                    ParseLine(line, sourceName, lineNumber, devices, log);
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        lineNumber++;
                        ParseLine(buffer, sourceName, lineNumber, devices, log);
                        buffer = buffer.Slice(buffer.End);
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                    break;
                }

                if (buffer.Length > MaxLineLength)
                {
                    lineNumber++;
                    log.Warn(sourceName, $"line {lineNumber}: longer than {MaxLineLength} bytes; skipped");
                    skipping = true;
                    reader.AdvanceTo(buffer.End);
                    continue;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }

        return devices;
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        SequencePosition? end = buffer.PositionOf((byte)'\n');
        if (end is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, end.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        return true;
    }

    private static void ParseLine(ReadOnlySequence<byte> line, string sourceName, int lineNumber, List<PciDevice> devices, DiagnosticLog log)
    {
        if (line.Length > MaxLineLength)
        {
            log.Warn(sourceName, $"line {lineNumber}: longer than {MaxLineLength} bytes");
            return;
        }

        Span<byte> bytes = stackalloc byte[(int)line.Length];
        line.CopyTo(bytes);
        if (!LspciLine.TryParse(bytes, out PciDevice? device, out string? reason))
        {
            log.Warn(sourceName, $"line {lineNumber}: {reason}");
            return;
        }

        if (device is not null)
        {
            devices.Add(device);
        }
    }
}
