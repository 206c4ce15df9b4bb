using System.Text;
using System.Text.Json;
using CommunityToolkit.HighPerformance.Buffers;
using Dmv.Core.Pci;

namespace Dmv.Core.Catalog;

/// <summary>
/// Reads info.json with <see cref="Utf8JsonReader"/>: every key xcp.dmv requires must be present
/// with the right JSON type, and the first problem is reported with the key it concerns. Strings
/// go through a <see cref="StringPool"/> because the same driver, status and module names repeat
/// across thousands of files and kernels.
/// </summary>
internal static class InfoJsonParser
{
    private static readonly string[] RequiredKeys = ["category", "name", "description", "variant", "version", "priority", "status", "pci_ids"];
    private static readonly string[] IdFields = ["vendor_id", "device_id", "subvendor_id", "subdevice_id"];

    private const double MaxExactPriority = 9007199254740992d; // 2^53

    private enum Key
    {
        Other,
        Category,
        Name,
        Description,
        Variant,
        Version,
        Priority,
        Status,
        PciIds,
    }

    public static bool TryParse(ReadOnlySpan<byte> json, StringPool strings, [NotNullWhen(true)] out VariantInfo? info, out string reason)
    {
        info = null;
        try
        {
            return TryParseDocument(json, strings, out info, out reason);
        }
        catch (JsonException error)
        {
            reason = $"not valid JSON (line {error.LineNumber + 1}, byte {error.BytePositionInLine + 1})";
            return false;
        }
        catch (InvalidOperationException)
        {
            // GetString's refusal of a lone surrogate escape ("\udfff") or of bytes that are not UTF-8.
            reason = "a string is not valid Unicode (invalid UTF-8, or a lone surrogate escape)";
            return false;
        }
    }

    private static bool TryParseDocument(ReadOnlySpan<byte> json, StringPool strings, [NotNullWhen(true)] out VariantInfo? info, out string reason)
    {
        info = null;
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = 16 });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            reason = "not a JSON object";
            return false;
        }

        string? category = null, name = null, description = null, variant = null, version = null, status = null;
        JsonNumberText? priority = null;
        List<ModulePciIds>? pciIds = null;

        int seen = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            Key key = TopLevelKey(ref reader);
            if (key != Key.Other && (seen & (1 << (int)key)) != 0)
            {
                // A reader that keeps the last of two values and one that keeps the first would list different things.
                reason = $"'{RequiredKeys[RequiredIndex(key)]}' appears twice";
                return false;
            }

            seen |= 1 << (int)key;
            reader.Read();
            switch (key)
            {
                case Key.Category: if (!TryString(ref reader, strings, "category", out category, out reason)) return false; break;
                case Key.Name: if (!TryString(ref reader, strings, "name", out name, out reason)) return false; break;
                case Key.Description: if (!TryString(ref reader, strings, "description", out description, out reason)) return false; break;
                case Key.Variant: if (!TryString(ref reader, strings, "variant", out variant, out reason)) return false; break;
                case Key.Version: if (!TryString(ref reader, strings, "version", out version, out reason)) return false; break;
                case Key.Status: if (!TryString(ref reader, strings, "status", out status, out reason)) return false; break;
                case Key.Priority:
                    if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDouble(out double value))
                    {
                        reason = $"'priority' is {Describe(reader.TokenType)}, not a number";
                        return false;
                    }

                    // Callers read the priority as an OCaml integer (xapi) or a double: only |p| < 2^53 is exact in both.
                    if (!double.IsFinite(value) || Math.Abs(value) >= MaxExactPriority)
                    {
                        reason = $"'priority' {Encoding.ASCII.GetString(reader.ValueSpan)} is outside the range every caller can hold exactly (|p| < 2^53)";
                        return false;
                    }

                    priority = new JsonNumberText(strings.GetOrAdd(reader.ValueSpan, Encoding.ASCII), value);
                    break;
                case Key.PciIds:
                    if (!TryPciIds(ref reader, strings, out pciIds, out reason)) return false;
                    break;
                default:
                    reader.Skip();
                    break;
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            reason = "not a JSON object";
            return false;
        }

        if (reader.Read())
        {
            reason = "text after the JSON object";
            return false;
        }

        string? missing = FirstMissing(category, name, description, variant, version, status, priority, pciIds);
        if (missing is not null)
        {
            reason = $"missing key '{missing}'";
            return false;
        }

        if (name!.Length == 0 || variant!.Length == 0)
        {
            reason = name.Length == 0 ? "'name' is empty" : "'variant' is empty";
            return false;
        }

        // Names are printed, recorded one a line and passed back by callers: no control or bidi character.
        if ((Unprintable(name) ?? Unprintable(variant)) is { } character)
        {
            reason = $"'{(Unprintable(name) is null ? "variant" : "name")}' holds the character U+{(int)character:X4}, which no name may hold";
            return false;
        }

        info = new VariantInfo(name, variant, category!, description!, version!, priority!.Value, status!, pciIds!);
        reason = "";
        return true;
    }

    /// <summary>The first control character (C0, DEL, C1) or bidirectional formatting character of a name, or null.</summary>
    public static char? Unprintable(string name)
    {
        foreach (char c in name)
        {
            if (char.IsControl(c) || c is '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069'))
            {
                return c;
            }
        }

        return null;
    }

    private static int RequiredIndex(Key key) => key switch
    {
        Key.Category => 0,
        Key.Name => 1,
        Key.Description => 2,
        Key.Variant => 3,
        Key.Version => 4,
        Key.Priority => 5,
        Key.Status => 6,
        _ => 7,
    };

    /// <summary>Names the property without turning it into a string: thousands of files, eight keys each.</summary>
    private static Key TopLevelKey(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("category"u8)) return Key.Category;
        if (reader.ValueTextEquals("name"u8)) return Key.Name;
        if (reader.ValueTextEquals("description"u8)) return Key.Description;
        if (reader.ValueTextEquals("variant"u8)) return Key.Variant;
        if (reader.ValueTextEquals("version"u8)) return Key.Version;
        if (reader.ValueTextEquals("priority"u8)) return Key.Priority;
        if (reader.ValueTextEquals("status"u8)) return Key.Status;
        if (reader.ValueTextEquals("pci_ids"u8)) return Key.PciIds;
        return Key.Other;
    }

    private static int IdFieldSlot(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("vendor_id"u8)) return 0;
        if (reader.ValueTextEquals("device_id"u8)) return 1;
        if (reader.ValueTextEquals("subvendor_id"u8)) return 2;
        if (reader.ValueTextEquals("subdevice_id"u8)) return 3;
        return -1;
    }

    private static string? FirstMissing(string? category, string? name, string? description, string? variant, string? version, string? status, JsonNumberText? priority, List<ModulePciIds>? pciIds) =>
        category is null ? RequiredKeys[0]
        : name is null ? RequiredKeys[1]
        : description is null ? RequiredKeys[2]
        : variant is null ? RequiredKeys[3]
        : version is null ? RequiredKeys[4]
        : priority is null ? RequiredKeys[5]
        : status is null ? RequiredKeys[6]
        : pciIds is null ? RequiredKeys[7]
        : null;

    private static bool TryPciIds(ref Utf8JsonReader reader, StringPool strings, [NotNullWhen(true)] out List<ModulePciIds>? result, out string reason)
    {
        result = null;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reason = $"'pci_ids' is {Describe(reader.TokenType)}, not an object";
            return false;
        }

        var modules = new List<ModulePciIds>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            string module = reader.ValueIsEscaped ? strings.GetOrAdd(reader.GetString()!) : strings.GetOrAdd(ValidUtf8(reader.ValueSpan), Encoding.UTF8);
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                reason = $"'pci_ids.{module}' is {Describe(reader.TokenType)}, not a list";
                return false;
            }

            var ids = new List<PciId>();
            int index = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                if (!TryPciId(ref reader, module, index, out PciId id, out reason))
                {
                    return false;
                }

                ids.Add(id);
                index++;
            }

            // Python's json keeps the last of two values, other readers the first: neither is guessed.
            foreach (ModulePciIds known in modules)
            {
                if (known.Module == module)
                {
                    reason = $"'pci_ids.{module}' appears twice";
                    return false;
                }
            }

            modules.Add(new ModulePciIds(module, ids));
        }

        result = modules;
        reason = "";
        return true;
    }

    private static bool TryPciId(ref Utf8JsonReader reader, string module, int index, out PciId id, out string reason)
    {
        string where() => $"pci_ids.{module}[{index}]";
        id = default;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reason = $"'{where()}' is {Describe(reader.TokenType)}, not an object";
            return false;
        }

        Span<int> fields = [int.MinValue, int.MinValue, int.MinValue, int.MinValue];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            int slot = IdFieldSlot(ref reader);
            reader.Read();
            if (slot < 0)
            {
                reader.Skip();
                continue;
            }

            if (fields[slot] != int.MinValue)
            {
                reason = $"'{where()}.{IdFields[slot]}' appears twice";
                return false;
            }

            if (reader.TokenType != JsonTokenType.String)
            {
                reason = $"'{where()}.{IdFields[slot]}' is {Describe(reader.TokenType)}, not a string";
                return false;
            }

            if (!TryIdField(ref reader, out fields[slot]))
            {
                reason = $"'{where()}.{IdFields[slot]}' is \"{reader.GetString()}\", neither \"*\" nor a 16-bit hex number";
                return false;
            }
        }

        for (int i = 0; i < IdFields.Length; i++)
        {
            if (fields[i] == int.MinValue)
            {
                reason = $"'{where()}' has no '{IdFields[i]}'";
                return false;
            }
        }

        id = new PciId(fields[0], fields[1], fields[2], fields[3]);
        reason = "";
        return true;
    }

    /// <summary>An id field read straight from its UTF-8 bytes.</summary>
    private static bool TryIdField(ref Utf8JsonReader reader, out int value)
    {
        if (reader.ValueIsEscaped || reader.ValueSpan.Length > 16)
        {
            return PciHex.TryParseIdField(reader.GetString(), out value);
        }

        ReadOnlySpan<byte> bytes = reader.ValueSpan;
        Span<char> text = stackalloc char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++)
        {
            text[i] = (char)bytes[i];
        }

        return PciHex.TryParseIdField(text, out value);
    }

    private static bool TryString(ref Utf8JsonReader reader, StringPool strings, string key, [NotNullWhen(true)] out string? value, out string reason)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            value = null;
            reason = $"'{key}' is {Describe(reader.TokenType)}, not a string";
            return false;
        }

        value = reader.ValueIsEscaped ? strings.GetOrAdd(reader.GetString()!) : strings.GetOrAdd(ValidUtf8(reader.ValueSpan), Encoding.UTF8);
        reason = "";
        return true;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "a list",
        JsonTokenType.StartObject => "an object",
        _ => "not a value",
    };

    /// <summary>The bytes of an unescaped string, which the reader does not check: invalid UTF-8 is refused as GetString would.</summary>
    private static ReadOnlySpan<byte> ValidUtf8(ReadOnlySpan<byte> bytes) =>
        System.Text.Unicode.Utf8.IsValid(bytes) ? bytes : throw new InvalidOperationException();
}
