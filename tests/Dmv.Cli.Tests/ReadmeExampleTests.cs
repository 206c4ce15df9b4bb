using Dmv.Fixtures;

namespace Dmv.Cli.Tests;

/// <summary>The README's examples, every line as written, on a copy of the demo tree (make demo).</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void Every_example_of_the_readme_runs_on_the_demo_tree()
    {
        string readme = File.ReadAllText(Path.Combine(ToolPaths.RepositoryRoot, "README.md"));
        int section = readme.IndexOf("\n## Examples", StringComparison.Ordinal);
        int start = readme.IndexOf("```sh\n", section, StringComparison.Ordinal) + "```sh\n".Length;
        string[] lines = readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)]
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith('#'))
            .ToArray();
        Assert.True(lines.Length >= 8, string.Join('\n', lines));

        // As make demo writes it: two kernels, eight drivers, sysfs devices, depmod-ready.
        using var demo = new GeneratedTree(new HostTreeSpec { Seed = 1, Kernels = 2, Drivers = 8, VariantsPerDriver = 3, PciDevices = 12, DepmodReady = true });
        string bin = demo.Root + "-bin";
        Directory.CreateDirectory(bin);
        try
        {
            // driver-tool is the published binary on the demo tree (a --root of the example's own is replaced);
            // lspci -nm prints the demo tree's devices.
            Tool(bin, "driver-tool", $$"""
                args=()
                while (($#)); do case $1 in --root) shift 2 ;; --root=*) shift ;; *) args+=("$1"); shift ;; esac; done
                exec {{ToolPaths.DriverTool}} --root {{demo.Root}} "${args[@]}"
                """);
            Tool(bin, "lspci", $"exec cat {demo.Path("lspci-nm.txt")}");
            foreach (string line in lines)
            {
                ProcessResult result = ExternalCommand.Run(["bash", "-c", "set -o pipefail; " + line], new Dictionary<string, string> { ["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH") });
                Assert.True(result.ExitCode == 0, $"README example `{line}`: {result}");
                Assert.DoesNotContain("error", result.Stderr, StringComparison.OrdinalIgnoreCase);
            }
        }
        finally
        {
            Scratch.Delete(bin);
        }
    }

    private static void Tool(string folder, string name, string body)
    {
        string path = Path.Combine(folder, name);
        File.WriteAllText(path, "#!/bin/bash\n" + body + "\n");
        File.SetUnixFileMode(path, (UnixFileMode)0x1ED);
    }
}
