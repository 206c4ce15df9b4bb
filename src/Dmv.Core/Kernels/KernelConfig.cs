namespace Dmv.Core.Kernels;

/// <summary>
/// A kernel configuration (.config text): <c>CONFIG_X=y|m|"text"|number</c> and <c>#
/// CONFIG_X is not set</c>. Lines that are neither are reported, with their number, and skipped.
/// </summary>
public sealed class KernelConfig
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);
    private readonly List<string> _problems = new();

    private KernelConfig(string source) => Source = source;

    /// <summary>Where it was found: a host path, "/proc/config.gz", or "image:PATH" for one embedded in a kernel image.</summary>
    public string Source { get; }

    public IReadOnlyList<string> Problems => _problems;

    public static KernelConfig Parse(string source, string text)
    {
        var config = new KernelConfig(source);
        int number = 0;
        foreach (string raw in text.Split('\n'))
        {
            number++;
            string line = raw.TrimEnd('\r').Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                // "# CONFIG_FOO is not set" records a no; any other comment is just a comment.
                const string NotSet = " is not set";
                if (line.StartsWith("# CONFIG_", StringComparison.Ordinal) && line.EndsWith(NotSet, StringComparison.Ordinal))
                {
                    config._values[line[2..^NotSet.Length]] = "n";
                }

                continue;
            }

            int equals = line.IndexOf('=');
            if (equals <= 0 || !line.StartsWith("CONFIG_", StringComparison.Ordinal))
            {
                if (config._problems.Count < 10)
                {
                    config._problems.Add($"line {number}: '{(line.Length > 60 ? line[..60] + "…" : line)}' is not CONFIG_NAME=value");
                }

                continue;
            }

            string value = line[(equals + 1)..];
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = value[1..^1];
            }

            config._values[line[..equals]] = value;
        }

        return config;
    }

    public string? Value(string name) => _values.TryGetValue(name, out string? value) ? value : null;

    /// <summary>y for built in, m for a module; n (or absent) for no.</summary>
    public bool IsSet(string name) => Value(name) is "y" or "m";

    public bool Has(string name) => _values.ContainsKey(name);

    public IEnumerable<KeyValuePair<string, string>> WithPrefix(string prefix) =>
        _values.Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal) && p.Value != "n").OrderBy(p => p.Key, StringComparer.Ordinal);
}
