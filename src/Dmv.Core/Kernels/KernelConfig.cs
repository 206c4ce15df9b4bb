namespace Dmv.Core.Kernels;

/// <summary>
/// A kernel configuration (.config text): <c>CONFIG_X=y|m|"text"|number</c> and <c>#
/// CONFIG_X is not set</c>. Lines that are neither are reported, with their number, and skipped.
/// </summary>
internal sealed class KernelConfig
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _problems = new();

    private KernelConfig(string source) => Source = source;

    /// <summary>Where it was found: a host path, "/proc/config.gz", or "image:PATH" for one embedded in a kernel image.</summary>
    public string Source { get; }

    public IReadOnlyList<string> Problems => _problems;

    /// <summary>The options driver-tool reports (the Xen guest type, module signing and compression).</summary>
    public static readonly string[] Reported =
    [
        "CONFIG_X86_XEN", "CONFIG_X86_64_XEN", "CONFIG_XEN", "CONFIG_XEN_PV", "CONFIG_XEN_PVH", "CONFIG_XEN_PVHVM",
        "CONFIG_MODULE_SIG", "CONFIG_MODULE_SIG_FORCE", "CONFIG_MODULE_SIG_HASH", "CONFIG_MODULE_COMPRESS",
        "CONFIG_MODULE_COMPRESS_NONE", "CONFIG_MODULE_COMPRESS_GZIP", "CONFIG_MODULE_COMPRESS_XZ", "CONFIG_MODULE_COMPRESS_ZSTD",
    ];

    private static readonly HashSet<string> ReportedSet = new(Reported, StringComparer.Ordinal);

    /// <param name="keep">Only these options are kept (every line is still checked); null keeps all.</param>
    public static KernelConfig Parse(string source, string text, IReadOnlySet<string>? keep = null)
    {
        var config = new KernelConfig(source);
        HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? wanted = keep is HashSet<string> set && set.Comparer == StringComparer.Ordinal
            ? set.GetAlternateLookup<ReadOnlySpan<char>>()
            : null;
        int number = 0;
        foreach (ReadOnlySpan<char> raw in text.AsSpan().EnumerateLines())
        {
            number++;
            ReadOnlySpan<char> line = raw.Trim();
            if (line.IsEmpty)
            {
                continue;
            }

            if (line[0] == '#')
            {
                // "# CONFIG_FOO is not set" records a no; any other comment is just a comment.
                const string NotSet = " is not set";
                if (line.StartsWith("# CONFIG_") && line.EndsWith(NotSet))
                {
                    config.Keep(line[2..^NotSet.Length], "n", keep, wanted);
                }

                continue;
            }

            int equals = line.IndexOf('=');
            if (equals <= 0 || !line.StartsWith("CONFIG_"))
            {
                if (config._problems.Count < 10)
                {
                    string shown = line.Length > 60 ? line[..60].ToString() + "…" : line.ToString();
                    config._problems.Add($"line {number}: '{shown}' is not CONFIG_NAME=value");
                }

                continue;
            }

            ReadOnlySpan<char> value = line[(equals + 1)..];
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            config.Keep(line[..equals], value, keep, wanted);
        }

        return config;
    }

    /// <summary>Parses keeping only the options driver-tool reports.</summary>
    public static KernelConfig ParseReported(string source, string text) => Parse(source, text, ReportedSet);

    /// <summary>
    /// As <see cref="ParseReported(string, string)"/>, straight from the file's UTF-8 bytes: a
    /// configuration is a quarter of a megabyte, and only a dozen of its lines are wanted.
    /// </summary>
    public static KernelConfig ParseReported(string source, ReadOnlySpan<byte> utf8)
    {
        var config = new KernelConfig(source);
        HashSet<string>.AlternateLookup<ReadOnlySpan<char>> wanted = ReportedSet.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> name = stackalloc char[128];
        int number = 0;
        while (!utf8.IsEmpty)
        {
            number++;
            int end = utf8.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = (end < 0 ? utf8 : utf8[..end]).Trim(" \t\r"u8);
            utf8 = end < 0 ? default : utf8[(end + 1)..];
            if (line.IsEmpty || line[0] == (byte)'#')
            {
                if (line.StartsWith("# CONFIG_"u8) && line.EndsWith(" is not set"u8))
                {
                    config.KeepAscii(line[2..^" is not set"u8.Length], "n"u8, name, wanted);
                }

                continue;
            }

            int equals = line.IndexOf((byte)'=');
            if (equals <= 0 || !line.StartsWith("CONFIG_"u8))
            {
                if (config._problems.Count < 10)
                {
                    string shown = System.Text.Encoding.UTF8.GetString(line.Length > 60 ? line[..60] : line);
                    config._problems.Add($"line {number}: '{shown}{(line.Length > 60 ? "…" : "")}' is not CONFIG_NAME=value");
                }

                continue;
            }

            ReadOnlySpan<byte> value = line[(equals + 1)..];
            if (value.Length >= 2 && value[0] == (byte)'"' && value[^1] == (byte)'"')
            {
                value = value[1..^1];
            }

            config.KeepAscii(line[..equals], value, name, wanted);
        }

        return config;
    }

    private void KeepAscii(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, Span<char> scratch, HashSet<string>.AlternateLookup<ReadOnlySpan<char>> wanted)
    {
        if (key.Length > scratch.Length)
        {
            return;
        }

        for (int i = 0; i < key.Length; i++)
        {
            scratch[i] = (char)key[i];
        }

        if (wanted.TryGetValue(scratch[..key.Length], out string? known))
        {
            _values[known] = System.Text.Encoding.UTF8.GetString(value);
        }
    }

    private void Keep(ReadOnlySpan<char> name, ReadOnlySpan<char> value, IReadOnlySet<string>? keep, HashSet<string>.AlternateLookup<ReadOnlySpan<char>>? wanted)
    {
        if (keep is null || (wanted is { } lookup ? lookup.Contains(name) : keep.Contains(name.ToString())))
        {
            _values[name.ToString()] = value.ToString();
        }
    }

    public string? Value(string name) => _values.TryGetValue(name, out string? value) ? value : null;

    /// <summary>y for built in, m for a module; n (or absent) for no.</summary>
    public bool IsSet(string name) => Value(name) is "y" or "m";

    public bool Has(string name) => _values.ContainsKey(name);
}
