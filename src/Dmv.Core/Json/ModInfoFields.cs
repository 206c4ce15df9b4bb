using System.Text.Json;
using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>.modinfo's key=value pairs, in file order, as inspect's reply groups them.</summary>
[JsonConverter(typeof(ModInfoFieldsConverter))]
internal sealed class ModInfoFields(IReadOnlyList<KeyValuePair<string, string>> fields)
{
    public IReadOnlyList<KeyValuePair<string, string>> Fields { get; } = fields;

    /// <summary>Keys a module may repeat: always a list, so a caller need not test for a single string.</summary>
    public static bool IsListKey(string key) => key is "alias" or "parm" or "parmtype" or "firmware" or "softdep" or "import_ns";
}

/// <summary>
/// Writes <see cref="ModInfoFields"/> as one object: a key once as its string, a repeated key (or
/// one of <see cref="ModInfoFields.IsListKey"/>) as the list of its values, in first-seen order.
/// </summary>
internal sealed class ModInfoFieldsConverter : JsonConverter<ModInfoFields>
{
    public override ModInfoFields Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("inspect's reply is only written");

    public override void Write(Utf8JsonWriter writer, ModInfoFields value, JsonSerializerOptions options)
    {
        // Grouped in one pass, keys in first-seen order: a .modinfo of many keys stays linear.
        var keys = new List<string>();
        var values = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> field in value.Fields)
        {
            if (!values.TryGetValue(field.Key, out List<string>? list))
            {
                keys.Add(field.Key);
                values[field.Key] = list = new List<string>(1);
            }

            list.Add(field.Value);
        }

        writer.WriteStartObject();
        foreach (string key in keys)
        {
            List<string> list = values[key];
            if (list.Count == 1 && !ModInfoFields.IsListKey(key))
            {
                writer.WriteString(key, list[0]);
                continue;
            }

            writer.WriteStartArray(key);
            foreach (string text in list)
            {
                writer.WriteStringValue(text);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }
}
