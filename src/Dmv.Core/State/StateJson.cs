using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Dmv.Core.State;

/// <summary>
/// How driver-tool's own state files (the journal, the history) are written: source-generated, and
/// printable ASCII as itself — the default encoder writes "+" as "\u002B", and then
/// <c>grep 4.19.0+3 history.jsonl</c> finds nothing. These files are read by JSON readers and people
/// with grep, never embedded in HTML.
/// </summary>
internal static class StateJson
{
    public static byte[] Serialize<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            JsonSerializer.Serialize(writer, value, typeInfo);
        }

        return buffer.WrittenSpan.ToArray();
    }
}

/// <summary>Source-generated serializers of the state files: their own, so a reply's shape can never change a file's.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never, GenerationMode = JsonSourceGenerationMode.Serialization, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(HistoryEntry))]
[JsonSerializable(typeof(TrialRecord))]
internal sealed partial class StateJsonContext : JsonSerializerContext
{
}
