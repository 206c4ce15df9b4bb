using System.Text.Json;

namespace Dmv.Core.Switching;

/// <summary>
/// Reads a journal with <see cref="Utf8JsonReader"/>: the source-generated deserializer would add
/// its whole reading machinery to the executable, paid for at every start, to read a file that
/// exists only after a crash.
/// </summary>
internal static class JournalReader
{
    public static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out SwitchJournal? journal, out string reason)
    {
        journal = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            Expect(ref reader, JsonTokenType.StartObject);
            string? id = null, state = null, operation = null, driver = null, variant = null;
            List<LinkChange>? changes = null;
            int? format = null;
            bool hooks = true;
            bool? deselectedBefore = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            JsonTokenType token;
            while ((token = Next(ref reader)) == JsonTokenType.PropertyName)
            {
                string key = Key(ref reader, seen);
                reader.Read();
                switch (key)
                {
                    case "format":
                        format = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int number) ? number : -1;
                        reader.Skip();
                        break;
                    case "id": id = Text(ref reader); break;
                    case "state": state = Text(ref reader); break;
                    case "operation": operation = Text(ref reader); break;
                    case "driver": driver = Text(ref reader); break;
                    case "variant": variant = Text(ref reader); break;
                    case "changes": changes = ReadChanges(ref reader); break;
                    case "deselected_before":
                        deselectedBefore = reader.TokenType is JsonTokenType.True or JsonTokenType.False ? reader.GetBoolean() : throw new FormatException("'deselected_before' is not true or false");
                        break;
                    case "hooks":
                        hooks = reader.TokenType is JsonTokenType.True or JsonTokenType.False ? reader.GetBoolean() : throw new FormatException("'hooks' is not true or false");
                        break;
                    default: reader.Skip(); break;
                }
            }

            // One object and nothing after it: a journal cut short or run together with another is not guessed at.
            if (token != JsonTokenType.EndObject || reader.Read())
            {
                throw new FormatException("the journal is not one JSON object");
            }

            if (format is null || id is null || state is null || operation is null || driver is null || changes is null)
            {
                reason = "a key is missing";
                return false;
            }

            if (!JournalStates.TryParse(state, out JournalState known))
            {
                reason = $"unknown state '{state}'";
                return false;
            }

            journal = new SwitchJournal { Format = format.Value, Id = id, State = known, Operation = operation, Driver = driver, Variant = variant, Changes = changes, Hooks = hooks, DeselectedBefore = deselectedBefore };
            reason = "";
            return true;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException)
        {
            reason = error.Message;
            return false;
        }
    }

    private static List<LinkChange> ReadChanges(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new FormatException("'changes' is not a list");
        }

        var changes = new List<LinkChange>();
        JsonTokenType element;
        while ((element = Next(ref reader)) != JsonTokenType.EndArray)
        {
            if (element != JsonTokenType.StartObject)
            {
                throw new FormatException("an element of 'changes' is not an object");
            }

            string? kernel = null, updates = null, name = null, oldTarget = null, newTarget = null, staged = null, setAside = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                string key = Key(ref reader, seen);
                reader.Read();
                string? value = Text(ref reader);
                switch (key)
                {
                    case "kernel": kernel = value; break;
                    case "updates": updates = value; break;
                    case "name": name = value; break;
                    case "old_target": oldTarget = value; break;
                    case "new_target": newTarget = value; break;
                    case "staged": staged = value; break;
                    case "set_aside": setAside = value; break;
                }
            }

            if (kernel is null || updates is null || name is null || (newTarget is not null && staged is null))
            {
                throw new FormatException("a change lacks its kernel, folder, name or staged link");
            }

            changes.Add(new LinkChange { Kernel = kernel, Updates = updates, Name = name, OldTarget = oldTarget, NewTarget = newTarget, Staged = staged, SetAside = setAside });
        }

        return changes;
    }

    /// <summary>A key, once: with a key twice, which of the two a parser keeps is a guess.</summary>
    private static string Key(ref Utf8JsonReader reader, HashSet<string> seen)
    {
        string key = reader.GetString()!;
        return seen.Add(key) ? key : throw new FormatException($"'{key}' appears twice");
    }

    /// <summary>A string or null; anything else is not what a switch writes.</summary>
    private static string? Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new FormatException($"a {reader.TokenType} where a string belongs"),
    };

    private static JsonTokenType Next(ref Utf8JsonReader reader) => reader.Read() ? reader.TokenType : JsonTokenType.None;

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (Next(ref reader) != type)
        {
            throw new FormatException($"expected {type}");
        }
    }
}
