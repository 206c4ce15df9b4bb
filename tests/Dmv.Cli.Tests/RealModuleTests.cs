using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// Every module of Debian's linux-image package: driver-tool's inspect must agree with Debian's
/// modinfo (vermagic, depends, every alias, signer, sig_key, sig_hashalgo) and with readelf -n
/// (each note's section, owner and size). No difference is tolerated.
/// </summary>
public class RealModuleTests
{
    private static readonly Lazy<string[]> Modules = new(() =>
        Directory.EnumerateFiles(Path.Combine(DebianKernel.ModulesDirectory, "kernel"), "*.ko", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToArray());

    private static readonly Lazy<Dictionary<string, JsonElement>> Inspected = new(() =>
    {
        ProcessResult result = DriverTool.Run(["inspect", .. Modules.Value], stdin: null);
        Assert.True(result.ExitCode == 0, $"inspect failed: {result.Stderr}");
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("modules").EnumerateArray().ToDictionary(m => m.GetProperty("file").GetString()!);
    });

    [Fact]
    public void Inspect_agrees_with_modinfo_on_every_module()
    {
        Assert.True(Modules.Value.Length > 3000, $"only {Modules.Value.Length} modules in the package");
        Dictionary<string, Dictionary<string, List<string>>> modinfo = ParseModinfo(Run("modinfo", Modules.Value));
        var differences = new List<string>();
        foreach (string file in Modules.Value)
        {
            JsonElement ours = Inspected.Value[file];
            Dictionary<string, List<string>> theirs = modinfo[file];
            Compare(differences, file, "vermagic", theirs, ours.GetProperty("vermagic").GetString());
            Compare(differences, file, "depends", theirs, string.Join(',', ours.GetProperty("depends").EnumerateArray().Select(d => d.GetString())));
            JsonElement signature = ours.GetProperty("signature");
            Compare(differences, file, "signer", theirs, signature.TryGetProperty("signer", out JsonElement s) ? s.GetString() : null);
            Compare(differences, file, "sig_key", theirs, signature.TryGetProperty("sig_key", out JsonElement k) ? k.GetString() : null);
            Compare(differences, file, "sig_hashalgo", theirs, signature.TryGetProperty("sig_hashalgo", out JsonElement h) ? h.GetString() : null);
            string[] ourAliases = ours.GetProperty("modinfo").TryGetProperty("alias", out JsonElement aliases) ? aliases.EnumerateArray().Select(a => a.GetString()!).ToArray() : [];
            string[] theirAliases = theirs.GetValueOrDefault("alias")?.ToArray() ?? [];
            if (!ourAliases.SequenceEqual(theirAliases))
            {
                differences.Add($"{file}: alias: {ourAliases.Length} here, {theirAliases.Length} from modinfo");
            }
        }

        Assert.True(differences.Count == 0, $"{differences.Count} differences, first: {string.Join("\n", differences.Take(10))}");
    }

    [Fact]
    public void Inspect_agrees_with_readelf_on_every_note()
    {
        Dictionary<string, List<string>> readelf = ParseReadelf(Run("readelf", ["-n", "-W", .. Modules.Value]));
        // A parse that found nothing would agree with an inspect that found nothing.
        Assert.True(readelf.Count > 1000 && readelf.Values.Count(notes => notes.Count > 0) > 1000, $"readelf's notes were read for only {readelf.Count} files");
        var differences = new List<string>();
        foreach (string file in Modules.Value)
        {
            List<string> ours = Inspected.Value[file].GetProperty("notes").EnumerateArray()
                .Select(n => $"{n.GetProperty("section").GetString()} {n.GetProperty("name").GetString()} {n.GetProperty("desc").GetString()!.Length / 2}")
                .ToList();
            List<string> theirs = readelf.GetValueOrDefault(file) ?? [];
            if (!ours.SequenceEqual(theirs))
            {
                differences.Add($"{file}: [{string.Join("; ", ours)}] here, [{string.Join("; ", theirs)}] from readelf");
            }
        }

        Assert.True(differences.Count == 0, $"{differences.Count} differences, first: {string.Join("\n", differences.Take(5))}");
    }

    private static void Compare(List<string> differences, string file, string key, Dictionary<string, List<string>> theirs, string? ours)
    {
        string? expected = theirs.TryGetValue(key, out List<string>? values) ? values[0] : null;
        if (expected != ours)
        {
            differences.Add($"{file}: {key}: '{ours}' here, '{expected}' from modinfo");
        }
    }

    private static string Run(string program, IReadOnlyList<string> arguments) => ExternalCommand.Check([program, .. arguments]).Stdout;

    /// <summary>modinfo's blocks, one per file: "key:   value" lines, continuation lines indented with tabs.</summary>
    private static Dictionary<string, Dictionary<string, List<string>>> ParseModinfo(string text)
    {
        var modules = new Dictionary<string, Dictionary<string, List<string>>>();
        Dictionary<string, List<string>>? current = null;
        foreach (string line in text.Split('\n'))
        {
            // Continuation lines: indented hex, or the rest of a multi-line parm description.
            int colon = line.IndexOf(':');
            if (line.StartsWith('\t') || colon <= 0 || !line[..colon].All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
            {
                continue;
            }

            string key = line[..colon];
            string value = line[(colon + 1)..].TrimStart(' ');
            if (key == "filename")
            {
                current = new Dictionary<string, List<string>>();
                modules[value] = current;
                continue;
            }

            if (!current!.TryGetValue(key, out List<string>? values))
            {
                values = new List<string>();
                current[key] = values;
            }

            values.Add(value);
        }

        return modules;
    }

    /// <summary>readelf -n -W over many files: "File: X", "Displaying notes found in: SECTION", then "  OWNER  0xSIZE  DESCRIPTION".</summary>
    private static Dictionary<string, List<string>> ParseReadelf(string text)
    {
        var notes = new Dictionary<string, List<string>>();
        string? file = null;
        string? section = null;
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith("File: ", StringComparison.Ordinal))
            {
                file = line[6..];
                notes[file] = new List<string>();
            }
            else if (line.StartsWith("Displaying notes found in: ", StringComparison.Ordinal))
            {
                section = line["Displaying notes found in: ".Length..];
            }
            else if (file is not null && line.StartsWith("  ", StringComparison.Ordinal) && !line.TrimStart().StartsWith("Owner", StringComparison.Ordinal))
            {
                string[] words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (words.Length >= 2 && words[1].StartsWith("0x", StringComparison.Ordinal))
                {
                    notes[file].Add($"{section} {words[0]} {Convert.ToInt32(words[1], 16)}");
                }
            }
        }

        return notes;
    }
}
