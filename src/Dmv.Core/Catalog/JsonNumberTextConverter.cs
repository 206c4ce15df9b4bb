using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dmv.Core.Catalog;

/// <summary>Writes a number exactly as info.json had it ("40", "40.5", "1e2").</summary>
internal sealed class JsonNumberTextConverter : JsonConverter<JsonNumberText>
{
    public override JsonNumberText Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double value))
        {
            throw new JsonException("a number is expected");
        }

        return new JsonNumberText(System.Text.Encoding.ASCII.GetString(reader.ValueSpan), value);
    }

    public override void Write(Utf8JsonWriter writer, JsonNumberText value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Text, skipInputValidation: false);
}
