using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Dmv.Cli.Tests;

/// <summary>The RPM that `make test` builds (make rpm) with the real rpmbuild, installed with the real rpm; the man page and completion.</summary>
public class PackagingTests
{
    private static string Version => Regex.Match(File.ReadAllText(Path.Combine(ToolPaths.RepositoryRoot, "Directory.Build.props")), "<Version[^>]*>([^<]+)</Version>").Groups[1].Value;

    private static string Package
    {
        get
        {
            string path = Path.Combine(ToolPaths.RepositoryRoot, $"build/dist/driver-tool-{Version}-1.x86_64.rpm");
            Assert.True(File.Exists(path), $"{path} is missing: `make test` builds it with `make rpm` first");
            return path;
        }
    }

    private static ProcessResult Run(params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        return DriverTool.Execute(start, null);
    }

    [Fact]
    public void The_package_holds_exactly_the_intended_files()
    {
        ProcessResult listing = Run("rpm", "-qlp", Package);

        Assert.True(listing.ExitCode == 0, listing.ToString());
        Assert.Equal(
            [
                "/etc/driver-tool",
                "/etc/driver-tool/trusted-keys",
                "/usr/lib/depmod.d/driver-tool.conf",
                "/usr/sbin/driver-tool",
                "/usr/share/bash-completion/completions/driver-tool",
                "/usr/share/licenses/driver-tool/LICENSE",
                "/usr/share/man/man8/driver-tool.8.gz",
            ],
            listing.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("/usr/share/licenses/driver-tool/LICENSE", Run("rpm", "-qp", "--licensefiles", Package).Stdout);
    }

    [Fact]
    public void Installed_into_a_scratch_root_it_runs_there()
    {
        using var tree = new HandTree();
        tree.Variant("6.1.0-1-amd64", "ice", "generic", ["ice.ko"]);
        Assert.Equal(0, Run("rpm", "--root", tree.Root, "--initdb").ExitCode);
        ProcessResult install = Run("rpm", "--root", tree.Root, "--nodeps", "-i", Package);
        Assert.True(install.ExitCode == 0, install.ToString());

        string binary = tree.Path("usr/sbin/driver-tool");
        Assert.True((File.GetUnixFileMode(binary) & UnixFileMode.UserExecute) != 0);
        ProcessResult listing = Run(binary, "--root", tree.Root, "--lspci", tree.LspciFile, "-l");
        Assert.True(listing.ExitCode == 0, listing.ToString());
        ContractChecker.AssertAccepted("list", listing.Stdout);
        Assert.Contains("\"ice\"", listing.Stdout);
        Assert.Equal($"driver-tool {Version}\n", Run(binary, "--version").Stdout);
        Assert.Equal("exclude dmv", File.ReadAllLines(tree.Path("usr/lib/depmod.d/driver-tool.conf")).Last());
    }

    [Fact]
    public void The_man_page_names_every_command_and_option_of_the_help()
    {
        string man = File.ReadAllText(Path.Combine(ToolPaths.RepositoryRoot, "dist/man/driver-tool.8")).Replace("\\-", "-").Replace("\\fB", "").Replace("\\fR", "").Replace("\\fI", "");
        string help = DriverTool.Run("--help").Stdout;

        var options = Regex.Matches(help, @"(?<![\w-])--[a-z][a-z-]+").Select(m => m.Value).Distinct().ToList();
        var commands = new[] { "list", "select", "deselect", "auto-select", "verify", "inspect", "explain", "kernels" };
        Assert.True(options.Count > 15, string.Join(' ', options));
        Assert.All(options, option => Assert.Contains(option, man));
        Assert.All(commands, command =>
        {
            Assert.Contains(command, man);
            Assert.Equal(0, DriverTool.Run(command, "--help").ExitCode);
        });
        ProcessResult rendered = Run("man", "--warnings", "-l", "-Tutf8", Path.Combine(ToolPaths.RepositoryRoot, "dist/man/driver-tool.8"));
        Assert.True(rendered.ExitCode == 0 && !rendered.Stderr.Contains("warning"), rendered.Stderr);
    }

    [Fact]
    public void Bash_completion_offers_commands_drivers_and_variants()
    {
        using HandTree tree = new HandTree().Variant("6.1.0-1-amd64", "ice", "generic", ["ice.ko"]).Variant("6.1.0-1-amd64", "ice", "dell", ["ice.ko"]);
        string completion = Path.Combine(ToolPaths.RepositoryRoot, "dist/completion/driver-tool.bash");
        string Complete(string line)
        {
            string script = $"""
                source /usr/share/bash-completion/bash_completion
                source {completion}
                COMP_LINE='{line}'; COMP_POINT=${"{"}#COMP_LINE{"}"}
                read -r -a COMP_WORDS <<< "$COMP_LINE"; [[ $COMP_LINE == *' ' ]] && COMP_WORDS+=('')
                COMP_CWORD=$(( ${"{"}#COMP_WORDS[@]{"}"} - 1 ))
                _driver_tool driver-tool "${"{"}COMP_WORDS[COMP_CWORD]{"}"}" "${"{"}COMP_WORDS[COMP_CWORD-1]{"}"}"
                printf '%s\n' "${"{"}COMPREPLY[@]{"}"}" | sort
                """;
            var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add(script);
            start.Environment["PATH"] = Path.GetDirectoryName(ToolPaths.DriverTool) + ":" + Environment.GetEnvironmentVariable("PATH");
            return DriverTool.Execute(start, null).Stdout.Trim();
        }

        Assert.Equal("select", Complete("driver-tool sel"));
        Assert.Equal("deselect", Complete("driver-tool de"));
        Assert.Equal("ice", Complete($"driver-tool --root {tree.Root} select "));
        Assert.Equal("dell\ngeneric", Complete($"driver-tool --root {tree.Root} select ice "));
        Assert.Equal("dell\ngeneric", Complete($"driver-tool --root {tree.Root} -s -n ice -v "));
        Assert.Contains("--no-hooks", Complete("driver-tool select --no"));
    }
}
