using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dmv.Core.Diagnostics;

namespace Dmv.Cli.Output;

/// <summary>Standard output for replies (JSON a caller parses, or a table for a person) and standard error for one-line messages.</summary>
internal sealed class Terminal
{
    private const string Program = "driver-tool";
    private readonly Stream _stdout;
    private readonly Func<TextWriter> _openStderr;
    private TextWriter? _stderr;

    /// <summary>Standard error is opened on first use: most successful calls never write to it.</summary>
    /// <param name="interactive">Standard output is a terminal (a person reads it), not a pipe or a file.</param>
    public Terminal(Stream stdout, Func<TextWriter> openStderr, bool interactive = false)
    {
        _stdout = stdout;
        _openStderr = openStderr;
        Interactive = interactive;
    }

    /// <summary>Standard output is a terminal: JSON is indented, and a failure is the stderr line alone.</summary>
    public bool Interactive { get; }

    /// <summary>The format asked for (--format or DRIVER_TOOL_FORMAT); set once the command line is read.</summary>
    public CommandLine.OutputFormat Format { get; set; }

    /// <summary>
    /// Whether a failure also writes the contract's error reply on stdout: only for a program that
    /// reads JSON through a pipe. A person (a terminal, or --format table) gets the stderr line once.
    /// </summary>
    public bool WantsErrorReply => Format == CommandLine.OutputFormat.Json && !Interactive;

    /// <summary>Options for a JSON writer of a reply: indented for a person at a terminal, compact (as callers get it) otherwise.</summary>
    public JsonWriterOptions JsonOptions => new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, Indented = Interactive };

    private TextWriter Stderr => _stderr ??= _openStderr();

    /// <summary>Part of a reply written as it is produced (inspect's modules); a failure is remembered as for every write.</summary>
    public void WriteBytes(ReadOnlySpan<byte> bytes) => Send(bytes);

    /// <summary>The reply in one write: a caller reading a pipe never sees half a document, and a large listing costs one system call, not one per buffer.</summary>
    public void WriteJson<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        // Relaxed escaping: the reply is read by JSON parsers, never embedded in HTML, so "'" stays "'".
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }

        buffer.Write("\n"u8);
        Send(buffer.WrittenSpan);
    }

    /// <summary>Text for a person: what came from the tree (an info.json's description, say) cannot steer the terminal.</summary>
    public void WriteText(string text) => Send(Encoding.UTF8.GetBytes(Printable(text, keepLines: true)));

    /// <summary>The errno of the first write to standard output that failed (a full disk, a closed pipe), or 0.</summary>
    public int OutputErrno { get; private set; }

    public void Warn(Diagnostic diagnostic) => WriteError($"{Program}: warning: {OneLine(diagnostic.ToString())}");

    public void Error(string message) => WriteError($"{Program}: {OneLine(message)}");

    public void FlushErrors()
    {
        try
        {
            _stderr?.Flush();
        }
        catch (Exception)
        {
            // Standard error is gone too: nothing is left to tell.
        }
    }

    /// <summary>A write that fails is remembered, not thrown: the command still ends with one line and the write's errno.</summary>
    private void Send(ReadOnlySpan<byte> bytes)
    {
        if (OutputErrno != 0)
        {
            return;
        }

        try
        {
            _stdout.Write(bytes);
            _stdout.Flush();
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            // EBADF (a closed standard output) arrives wrapped in UnauthorizedAccessException; its errno is inside.
            OutputErrno = Dmv.Core.FileSystem.FileErrors.ErrnoOf(error.InnerException is IOException inner ? inner : error);
        }
    }

    private void WriteError(string line)
    {
        try
        {
            Stderr.WriteLine(line);
        }
        catch (Exception)
        {
            // Standard error is the last channel left (out of descriptors, closed, full): when it
            // fails too, any exception here would only turn the errno exit into an abort.
        }
    }

    /// <summary>Whether file descriptor 1 is a terminal.</summary>
    public static bool StdoutIsTerminal() => Dmv.Core.FileSystem.StandardDescriptors.IsTerminal(1);

    /// <summary>Messages stay on one line whatever a file name contains.</summary>
    private static string OneLine(string text) => Printable(text, keepLines: false);

    /// <summary>
    /// Control characters (an escape sequence, a bell) and bidirectional formatting characters (which
    /// reorder what a person sees) written as escapes; newlines and tabs kept when <paramref name="keepLines"/>.
    /// </summary>
    public static string Printable(string text, bool keepLines)
    {
        if (!text.Any(c => Escaped(c, keepLines)))
        {
            return text;
        }

        var line = new StringBuilder(text.Length + 16);
        foreach (char c in text)
        {
            line.Append(!Escaped(c, keepLines) ? c.ToString() : c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                < '\u0100' => $"\\x{(int)c:x2}",
                _ => $"\\u{(int)c:x4}",
            });
        }

        return line.ToString();
    }

    private static bool Escaped(char c, bool keepLines) =>
        (char.IsControl(c) && !(keepLines && c is '\n' or '\t')) || c is '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
