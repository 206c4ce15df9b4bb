using System.Text.Json;

namespace Dmv.Core.State;

/// <summary>
/// Reads a journal with <see cref="Utf8JsonReader"/>: the source-generated deserializer would add
/// its whole reading machinery to the executable, paid for at every start, to read a file that
/// exists only after a crash.
/// </summary>
public static class JournalReader
{
    public static bool TryParse(ReadOnlySpan<byte> json, out SwitchJournal? journal, out string reason)
    {
        journal = null;
        try
        {
            var reader = new Utf8JsonReader(json);
            Expect(ref reader, JsonTokenType.StartObject);
            string? id = null, state = null, operation = null, driver = null, variant = null;
            List<LinkChange>? changes = null;
            int? format = null;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                switch (key)
                {
                    case "format": format = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int number) ? number : -1; break;
                    case "id": id = reader.GetString(); break;
                    case "state": state = reader.GetString(); break;
                    case "operation": operation = reader.GetString(); break;
                    case "driver": driver = reader.GetString(); break;
                    case "variant": variant = reader.GetString(); break;
                    case "changes": changes = ReadChanges(ref reader); break;
                    default: reader.Skip(); break;
                }
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

            journal = new SwitchJournal { Format = format.Value, Id = id, State = known, Operation = operation, Driver = driver, Variant = variant, Changes = changes };
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
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            string? kernel = null, updates = null, name = null, oldTarget = null, newTarget = null, staged = null, setAside = null;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                string? value = reader.TokenType == JsonTokenType.Null ? null : reader.GetString();
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

    private static JsonTokenType Next(ref Utf8JsonReader reader) => reader.Read() ? reader.TokenType : JsonTokenType.None;

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (Next(ref reader) != type)
        {
            throw new FormatException($"expected {type}");
        }
    }
}
