using System.Text.Json;

namespace Dmv.Cli.Output;

/// <summary>Values that may be unknown: written as null, not left out, so callers can index every key.</summary>
public static class JsonWriterExtensions
{
    public static void WriteOptional(this Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }

    public static void WriteOptional(this Utf8JsonWriter json, string name, bool? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteBoolean(name, value.Value);
        }
    }
}
