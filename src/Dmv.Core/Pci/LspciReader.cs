using System.Buffers;
using System.IO.Pipelines;
using Dmv.Core.Diagnostics;

namespace Dmv.Core.Pci;

/// <summary>
/// Reads <c>lspci -nm</c> text as it streams in (a file or a pipe from lspci), one line at a
/// time from a pipe's buffers, without holding the whole text. Bad lines are reported and skipped
/// (the first hundred by name). A host's lspci text is a few kilobytes: past
/// <see cref="MaxInputBytes"/> or <see cref="MaxDevices"/> the input is not lspci's (/dev/zero, a
/// runaway pipe) and reading stops with EFBIG, so memory stays bounded whatever is fed in.
/// </summary>
internal static class LspciReader
{
    private const int MaxLineLength = 4096;
    private const int MaxReportedLines = 100;
    public const long MaxInputBytes = 16 << 20;
    public const int MaxDevices = 16384;

    /// <summary>The devices read, or why the input was given up (EFBIG) after the devices so far.</summary>
    public sealed record Result(List<PciDevice> Devices, int Errno, string? Problem);

    public static async Task<Result> ReadAsync(Stream input, string sourceName, DiagnosticLog log, CancellationToken cancellation = default)
    {
        var devices = new List<PciDevice>();
        var lines = new LineLog(sourceName, log);
        PipeReader reader = PipeReader.Create(input, new StreamPipeReaderOptions(bufferSize: 16 * 1024, leaveOpen: true));
        int lineNumber = 0;
        bool skipping = false;
        try
        {
            while (true)
            {
                ReadResult result = await reader.ReadAsync(cancellation).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = result.Buffer;
                if (lines.Consumed + buffer.Length > MaxInputBytes || devices.Count > MaxDevices)
                {
                    lines.Finish();
                    return new Result(devices, FileSystem.Errno.EFBIG, devices.Count > MaxDevices
                        ? $"more than {MaxDevices} PCI devices: not lspci -nm output"
                        : $"more than {MaxInputBytes >> 20} MiB: not lspci -nm output");
                }

                if (skipping)
                {
                    // The rest of an over-long line: dropped up to its end, then reading goes on.
                    SequencePosition? end = buffer.PositionOf((byte)'\n');
                    if (end is null)
                    {
                        lines.Consumed += buffer.Length;
                        reader.AdvanceTo(buffer.End);
                        if (result.IsCompleted)
                        {
                            break;
                        }

                        continue;
                    }

                    ReadOnlySequence<byte> rest = buffer.Slice(buffer.GetPosition(1, end.Value));
                    lines.Consumed += buffer.Length - rest.Length;
                    buffer = rest;
                    skipping = false;
                }

                while (TryTakeLine(ref buffer, out ReadOnlySequence<byte> line))
                {
                    lineNumber++;
                    lines.Consumed += line.Length + 1;
                    ParseLine(line, lineNumber, devices, lines);
                }

                if (result.IsCompleted)
                {
                    if (!buffer.IsEmpty)
                    {
                        lineNumber++;
                        ParseLine(buffer, lineNumber, devices, lines);
                        buffer = buffer.Slice(buffer.End);
                    }

                    reader.AdvanceTo(buffer.Start, buffer.End);
                    break;
                }

                if (buffer.Length > MaxLineLength)
                {
                    lineNumber++;
                    lines.Warn(lineNumber, $"longer than {MaxLineLength} bytes; skipped");
                    lines.Consumed += buffer.Length;
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

        lines.Finish();
        return new Result(devices, 0, null);
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

    private static void ParseLine(ReadOnlySequence<byte> line, int lineNumber, List<PciDevice> devices, LineLog log)
    {
        if (line.Length > MaxLineLength)
        {
            log.Warn(lineNumber, $"longer than {MaxLineLength} bytes");
            return;
        }

        Span<byte> bytes = stackalloc byte[(int)line.Length];
        line.CopyTo(bytes);
        if (!LspciLine.TryParse(bytes, out PciDevice? device, out string? reason))
        {
            log.Warn(lineNumber, reason);
            return;
        }

        if (device is not null)
        {
            devices.Add(device);
        }
    }

    /// <summary>The warnings about bad lines, the first <see cref="MaxReportedLines"/> by name and the rest counted; and how much was read.</summary>
    private sealed class LineLog(string sourceName, DiagnosticLog log)
    {
        private int _warned;

        public long Consumed { get; set; }

        public void Warn(int lineNumber, string reason)
        {
            if (++_warned <= MaxReportedLines)
            {
                log.Warn(sourceName, $"line {lineNumber}: {reason}");
            }
        }

        public void Finish()
        {
            if (_warned > MaxReportedLines)
            {
                log.Warn(sourceName, $"{_warned - MaxReportedLines} more bad lines skipped");
            }
        }
    }
}
