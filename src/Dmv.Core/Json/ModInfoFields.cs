using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>.modinfo's key=value pairs, in file order, as inspect's reply groups them.</summary>
[JsonConverter(typeof(ModInfoFieldsConverter))]
public sealed class ModInfoFields(IReadOnlyList<KeyValuePair<string, string>> fields)
{
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; } = fields;

    /// <summary>Keys a module may repeat: always a list, so a caller need not test for a single string.</summary>
    public static bool IsListKey(string key) => key is "alias" or "parm" or "parmtype" or "firmware" or "softdep" or "import_ns";
}

/// <summary>
/// Writes <see cref="ModInfoFields"/> as one object: a key once as its string, a repeated key (or
/// one of <see cref="ModInfoFields.IsListKey"/>) as the list of its values, in first-seen order.
/// </summary>
public sealed class ModInfoFieldsConverter : JsonConverter<ModInfoFields>
{
    public override ModInfoFields Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("inspect's reply is only written");

    public override void Write(Utf8JsonWriter writer, ModInfoFields value, JsonSerializerOptions options)
    {
        IReadOnlyList<KeyValuePair<string, string>> fields = value.Fields;
        writer.WriteStartObject();
        var written = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < fields.Count; i++)
        {
            string key = fields[i].Key;
            if (!written.Add(key))
            {
                continue;
            }

            int count = 0;
            for (int j = i; j < fields.Count; j++)
            {
                count += fields[j].Key == key ? 1 : 0;
            }

            if (count == 1 && !ModInfoFields.IsListKey(key))
            {
                writer.WriteString(key, fields[i].Value);
                continue;
            }

            writer.WriteStartArray(key);
            for (int j = i; j < fields.Count; j++)
            {
                if (fields[j].Key == key)
                {
                    writer.WriteStringValue(fields[j].Value);
                }
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
