using System.Text.Json;
using Dmv.Core.FileSystem;

namespace Dmv.Core.State;

/// <summary>
/// Reads and writes <see cref="TrialRecord"/>. The record steers a rollback done as root, so it is
/// obeyed only as the journal is: a regular file of the effective user's that nobody else may write,
/// in a trusted state folder, in a format this version writes, every name one a switch could have
/// recorded. Read with <see cref="Utf8JsonReader"/> (see <see cref="JournalReader"/> for why).
/// </summary>
internal static class TrialRecordFile
{
    private const int MaxBytes = 1 << 20;

    /// <summary>The record, or null when there is none; false with the errno and problem when it exists but is not to be obeyed.</summary>
    public static bool TryRead(StateDirectory? state, out TrialRecord? record, out int errno, [NotNullWhen(false)] out string? problem)
    {
        record = null;
        errno = 0;
        problem = null;
        if (state is null)
        {
            return true;
        }

        byte[] buffer = new byte[4096];
        if (!state.TryReadTrusted(TrialRecord.Name, "trial record", MaxBytes, ref buffer, out int length, out errno, out problem))
        {
            if (errno == Errno.ENOENT)
            {
                errno = 0;
                return true;
            }

            problem ??= $"{state.PathOf(TrialRecord.Name)}: {Errno.Describe(errno)}";
            return false;
        }

        if (!TryParse(buffer.AsSpan(0, length), out record, out string reason) || (reason = Check(record) ?? "").Length > 0)
        {
            record = null;
            errno = Errno.EUCLEAN;
            problem = $"{state.PathOf(TrialRecord.Name)}: not a trial record driver-tool wrote ({reason}); driver-tool does not obey it";
            return false;
        }

        return true;
    }

    /// <summary>Writes the record whole (new file, fsync, rename): 0 or the errno.</summary>
    public static int Write(StateDirectory state, TrialRecord record) =>
        state.Folder.WriteFileAtomically(TrialRecord.Name, StateJson.Serialize(record, StateJsonContext.Default.TrialRecord), StateDirectory.PrivateMode);

    /// <summary>Whether <paramref name="id"/> is a trial id: it is put on the kernel command line, so nothing but hex digits and dashes.</summary>
    public static bool IsId(ReadOnlySpan<char> id)
    {
        if (id.Length is 0 or > 64 || id[0] == '-')
        {
            return false;
        }

        foreach (char c in id)
        {
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f') or '-'))
            {
                return false;
            }
        }

        return true;
    }

    private static string? Check(TrialRecord record)
    {
        if (record.Format != TrialRecord.CurrentFormat)
        {
            return $"format {record.Format}";
        }

        if (!IsId(record.Id))
        {
            return "the id is not hex digits and dashes";
        }

        if (record.State is not (TrialStates.Pending or TrialStates.Good or TrialStates.RolledBack))
        {
            return $"unknown state '{record.State}'";
        }

        if (record.Tries is < 1 or > 9)
        {
            return "tries is not 1 to 9";
        }

        if (!record.BootConfig.StartsWith('/') || record.BootConfig.Split('/').Contains("..") || Catalog.InfoJsonParser.Unprintable(record.BootConfig) is not null)
        {
            return "boot_config is not an absolute path";
        }

        if (record.Drivers.Count == 0)
        {
            return "no drivers";
        }

        foreach (TrialDriver driver in record.Drivers)
        {
            Diagnostics.Failure? bad = Dmv.Core.Catalog.NameRules.CheckName("driver", driver.Driver)
                ?? Dmv.Core.Catalog.NameRules.CheckName("variant", driver.Variant)
                ?? (driver.Previous is null ? null : Dmv.Core.Catalog.NameRules.CheckName("variant", driver.Previous));
            if (bad is not null)
            {
                return bad.Message;
            }

            foreach (TrialKernel kernel in driver.Kernels)
            {
                if (Kernels.KernelRelease.Problem(kernel.Kernel) is { } release)
                {
                    return $"kernel '{kernel.Kernel}': {release}";
                }

                if (kernel.Previous is not null && Dmv.Core.Catalog.NameRules.CheckName("variant", kernel.Previous) is { } previous)
                {
                    return previous.Message;
                }
            }
        }

        return null;
    }

    private static bool TryParse(ReadOnlySpan<byte> json, [NotNullWhen(true)] out TrialRecord? record, out string reason)
    {
        record = null;
        reason = "";
        try
        {
            var reader = new Utf8JsonReader(json);
            var fields = new Dictionary<string, object?>(StringComparer.Ordinal);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw new FormatException("not a JSON object");
            }

            List<TrialDriver>? drivers = null;
            while (Next(ref reader) == JsonTokenType.PropertyName)
            {
                string key = reader.GetString()!;
                reader.Read();
                if (fields.ContainsKey(key) || (key == "drivers" && drivers is not null))
                {
                    throw new FormatException($"'{key}' appears twice");
                }

                switch (key)
                {
                    case "tries_left":
                        fields[key] = reader.TokenType == JsonTokenType.Null ? null : reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int left) ? left : throw new FormatException("'tries_left' is not a whole number");
                        break;
                    case "format":
                    case "tries":
                        fields[key] = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int number) ? number : throw new FormatException($"'{key}' is not a whole number");
                        break;
                    case "armed":
                        fields[key] = reader.TokenType is JsonTokenType.True or JsonTokenType.False ? reader.GetBoolean() : throw new FormatException("'armed' is not true or false");
                        break;
                    case "drivers":
                        drivers = ReadList<TrialDriver>(ref reader, "drivers", ReadDriver);
                        break;
                    default:
                        fields[key] = Text(ref reader);
                        break;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
            {
                throw new FormatException("not one JSON object");
            }

            string? Field(string name) => fields.GetValueOrDefault(name) as string;
            if (fields.GetValueOrDefault("format") is not int format || fields.GetValueOrDefault("tries") is not int tries
                || Field("id") is not { } id || Field("state") is not { } state || Field("boot_config") is not { } bootConfig
                || Field("armed_at") is not { } armedAt || drivers is null)
            {
                reason = "a key is missing";
                return false;
            }

            record = new TrialRecord
            {
                Format = format,
                Id = id,
                State = state,
                Armed = fields.GetValueOrDefault("armed") is true,
                Tries = tries,
                BootConfig = bootConfig,
                ArmedInBoot = Field("armed_in_boot"),
                ArmedAt = armedAt,
                EndedAt = Field("ended_at"),
                Reason = Field("reason"),
                TriesLeftAtEnd = fields.GetValueOrDefault("tries_left") as int?,
                Drivers = drivers,
            };
            return true;
        }
        catch (Exception error) when (error is JsonException or InvalidOperationException or FormatException)
        {
            reason = error.Message;
            return false;
        }
    }

    private delegate T ElementReader<T>(ref Utf8JsonReader reader);

    /// <summary>A list of objects, each read by <paramref name="readOne"/> from its start.</summary>
    private static List<T> ReadList<T>(ref Utf8JsonReader reader, string what, ElementReader<T> readOne)
    {
        var list = new List<T>();
        ExpectStart(ref reader, JsonTokenType.StartArray, what);
        while (Next(ref reader) == JsonTokenType.StartObject)
        {
            list.Add(readOne(ref reader));
        }

        if (reader.TokenType != JsonTokenType.EndArray)
        {
            throw new FormatException($"an element of '{what}' is not an object");
        }

        return list;
    }

    /// <summary>The next key of an object, once: with a key twice, which of the two a parser keeps is a guess.</summary>
    private static bool NextKey(ref Utf8JsonReader reader, HashSet<string> seen, out string key)
    {
        key = "";
        if (Next(ref reader) != JsonTokenType.PropertyName)
        {
            return false;
        }

        key = reader.GetString()!;
        reader.Read();
        return seen.Add(key) ? true : throw new FormatException($"'{key}' appears twice");
    }

    private static TrialDriver ReadDriver(ref Utf8JsonReader reader)
    {
        string? driver = null, variant = null, previous = null;
        List<TrialKernel>? kernels = null;
        bool deselectedBefore = false;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextKey(ref reader, seen, out string key))
        {
            switch (key)
            {
                case "driver": driver = Text(ref reader); break;
                case "variant": variant = Text(ref reader); break;
                case "previous": previous = Text(ref reader); break;
                case "kernels": kernels = ReadList<TrialKernel>(ref reader, "kernels", ReadKernel); break;
                case "deselected_before":
                    deselectedBefore = reader.TokenType is JsonTokenType.True or JsonTokenType.False ? reader.GetBoolean() : throw new FormatException("'deselected_before' is not true or false");
                    break;
                default: reader.Skip(); break;
            }
        }

        return new TrialDriver
        {
            Driver = driver ?? throw new FormatException("a driver without its name"),
            Variant = variant ?? throw new FormatException("a driver without its variant"),
            Previous = previous,
            Kernels = kernels ?? throw new FormatException("a driver without its kernels"),
            DeselectedBefore = deselectedBefore,
        };
    }

    private static TrialKernel ReadKernel(ref Utf8JsonReader reader)
    {
        string? kernel = null, previous = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (NextKey(ref reader, seen, out string key))
        {
            switch (key)
            {
                case "kernel": kernel = Text(ref reader); break;
                case "previous": previous = Text(ref reader); break;
                default: reader.Skip(); break;
            }
        }

        return new TrialKernel { Kernel = kernel ?? throw new FormatException("a kernel without its release"), Previous = previous };
    }

    private static void ExpectStart(ref Utf8JsonReader reader, JsonTokenType type, string what)
    {
        if (reader.TokenType != type)
        {
            throw new FormatException($"'{what}' is not a list");
        }
    }

    private static string? Text(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new FormatException($"a {reader.TokenType} where a string belongs"),
    };

    private static JsonTokenType Next(ref Utf8JsonReader reader) => reader.Read() ? reader.TokenType : JsonTokenType.None;
}
