using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Dmv.Core.Diagnostics;

namespace Dmv.Cli.Output;

/// <summary>Standard output for replies (JSON a caller parses, or a table for a person) and standard error for one-line messages.</summary>
public sealed class Terminal
{
    private const string Program = "driver-tool";
    private readonly Stream _stdout;
    private readonly Func<TextWriter> _openStderr;
    private TextWriter? _stderr;

    /// <summary>Standard error is opened on first use: most successful calls never write to it.</summary>
    public Terminal(Stream stdout, Func<TextWriter> openStderr)
    {
        _stdout = stdout;
        _openStderr = openStderr;
    }

    private TextWriter Stderr => _stderr ??= _openStderr();

    /// <summary>Standard output as a stream, for replies written as they are produced.</summary>
    public Stream Output => _stdout;

    /// <summary>The reply in one write: a caller reading a pipe never sees half a document, and a large listing costs one system call, not one per buffer.</summary>
    public void WriteJson<T>(T value, JsonTypeInfo<T> typeInfo) =>
        WriteDocument(writer => JsonSerializer.Serialize(writer, value, typeInfo));

    /// <summary>A reply written by hand with <paramref name="write"/>, sent like <see cref="WriteJson{T}"/>.</summary>
    public void WriteDocument(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        // Relaxed escaping: the reply is read by JSON parsers, never embedded in HTML, so "'" stays "'".
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            write(writer);
        }

        buffer.Write("\n"u8);
        _stdout.Write(buffer.WrittenSpan);
        _stdout.Flush();
    }

    public void WriteText(string text)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        _stdout.Write(bytes);
        _stdout.Flush();
    }

    public void Warn(Diagnostic diagnostic) => Stderr.WriteLine($"{Program}: warning: {OneLine(diagnostic.ToString())}");

    public void Error(string message) => Stderr.WriteLine($"{Program}: {OneLine(message)}");

    public void FlushErrors() => _stderr?.Flush();

    /// <summary>Messages stay on one line whatever a file name contains.</summary>
    private static string OneLine(string text) =>
        text.IndexOfAny(['\n', '\r']) < 0 ? text : text.Replace("\n", "\\n").Replace("\r", "\\r");
}
