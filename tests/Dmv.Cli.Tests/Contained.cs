using System.Security.Cryptography;
using System.Text;

namespace Dmv.Cli.Tests;

/// <summary>What every bad-input test asks of a run, and how it sees that a tree did not change.</summary>
public static class Contained
{
    /// <summary>The run ended as driver-tool promises: no signal (exit below 128), no "unexpected failure", no stack trace.</summary>
    public static void Assert(ProcessResult result, string what)
    {
        Xunit.Assert.True(result.ExitCode is >= 0 and < 128, $"{what}: {result}");
        Xunit.Assert.DoesNotContain("unexpected failure", result.Stderr);
        Xunit.Assert.DoesNotContain("Unhandled exception", result.Stderr);
        Xunit.Assert.DoesNotContain("   at ", result.Stderr);
    }

    /// <summary>Every entry below <paramref name="folder"/>: path, kind, link target, mode and a hash of the content.</summary>
    public static string Fingerprint(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return "";
        }

        var lines = new StringBuilder();
        foreach (string path in Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var info = new FileInfo(path);
            string kind = info.LinkTarget is not null ? "link " + info.LinkTarget
                : Directory.Exists(path) ? "dir"
                : "file " + Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
            lines.Append(path[folder.Length..]).Append(' ').Append(kind).Append(' ').Append(info.LinkTarget is null ? File.GetUnixFileMode(path) : "").Append('\n');
        }

        return lines.ToString();
    }
}
