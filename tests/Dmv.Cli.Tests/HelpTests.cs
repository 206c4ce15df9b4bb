using Dmv.Cli.CommandLine;

namespace Dmv.Cli.Tests;

/// <summary>
/// The help and the man page name every option the parser accepts, per command. The options are
/// found by asking the parser itself (its source is compiled into this project) which of all its
/// long options it takes for each command, so a new option cannot be added without its help.
/// </summary>
public class HelpTests
{
    /// <summary>Per command, the arguments an option is tried after: several when an option applies to one form only (trial confirm --force, select --trial --tries).</summary>
    private static readonly Dictionary<string, string[][]> Positional = new()
    {
        ["list"] = [[]],
        ["select"] = [["ice", "dell"], ["ice", "dell", "--trial"]],
        ["deselect"] = [["ice"]],
        ["auto-select"] = [[], ["--trial"]],
        ["verify"] = [[]],
        ["inspect"] = [["ice.ko"]],
        ["explain"] = [["ice"]],
        ["kernels"] = [[]],
        ["reconcile"] = [["ice"]],
        ["history"] = [[]],
        ["trial"] = [[], ["confirm"], ["rollback"], ["enable"]],
    };

    private static string ValueFor(string option) => option switch
    {
        "--format" => "json",
        "--signatures" => "warn",
        "--lock-timeout" => "1",
        "--limit" or "--tries" => "2",
        "--boot-config" => "/boot/grub/grub.cfg",
        _ => "x",
    };

    /// <summary>The long options the parser accepts after <paramref name="command"/>, probed one at a time.</summary>
    private static List<string> Accepted(string command)
    {
        var accepted = new List<string>();
        foreach (string option in ArgumentParser.LongOptions.Where(o => o is not ("--version" or "--list")))
        {
            foreach (string[] arguments in Positional[command])
            {
                // As a flag; if the parser says it needs a value, with a valid one. (--help: "COMMAND --help" alone.)
                string[] before = option == "--help" ? [command] : [command, .. arguments];
                bool ok = ArgumentParser.TryParse([.. before, option], out _, out UsageError? error)
                    || error!.Message.Contains("needs a value") && ArgumentParser.TryParse([command, .. arguments, option, ValueFor(option)], out _, out _);
                if (ok && !accepted.Contains(option))
                {
                    accepted.Add(option);
                }
            }
        }

        return accepted;
    }

    public static TheoryData<string> Commands() => new(Positional.Keys);

    [Theory]
    [MemberData(nameof(Commands))]
    public void Each_commands_help_names_every_option_it_accepts_and_so_does_the_man_page(string command)
    {
        List<string> accepted = Accepted(command);
        ProcessResult help = DriverTool.Run(command, "--help");
        string man = ManPage();

        Assert.True(help.ExitCode == 0, help.ToString());
        Assert.Contains("--root", accepted);
        Assert.Equal(accepted.Order(), ArgumentParser.OptionsOf(command).Order());
        NonEmpty.All(accepted, option => Assert.True(help.Stdout.Contains(option + " ") || help.Stdout.Contains(option + ",") || help.Stdout.Contains(option + ".") || help.Stdout.Contains(option + "\n"),
            $"'{command} --help' does not name {option}:\n{help.Stdout}"));
        NonEmpty.All(accepted, option => Assert.Contains(option, man));
    }

    [Fact]
    public void Options_a_command_does_not_take_are_refused_by_the_parser()
    {
        // The probe above must be able to say no: these are refused.
        Assert.DoesNotContain("--dry-run", Accepted("select"));
        Assert.DoesNotContain("--kernel", Accepted("list"));
        Assert.DoesNotContain("--signatures", Accepted("inspect"));
        Assert.Contains("--trusted-keys", Accepted("inspect"));
    }

    [Fact]
    public void Select_help_names_the_signature_options()
    {
        string help = DriverTool.Run("select", "--help").Stdout;

        Assert.Contains("--signatures enforce|warn|off", help);
        Assert.Contains("--trusted-keys DIR", help);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("help")]
    [InlineData("list", "--help")]
    [InlineData("select", "--help")]
    [InlineData("deselect", "--help")]
    [InlineData("auto-select", "--help")]
    [InlineData("verify", "--help")]
    [InlineData("inspect", "--help")]
    [InlineData("explain", "--help")]
    [InlineData("kernels", "--help")]
    [InlineData("reconcile", "--help")]
    [InlineData("history", "--help")]
    [InlineData("trial", "--help")]
    [InlineData("help", "help")]
    [InlineData("help", "version")]
    public void Every_help_ends_with_a_newline(params string[] args)
    {
        ProcessResult result = DriverTool.Run(args);

        Assert.Equal(0, result.ExitCode);
        Assert.EndsWith(".\n", result.Stdout);
        Assert.False(result.Stdout.EndsWith("\n\n", StringComparison.Ordinal));
    }

    [Fact]
    public void The_general_help_names_help_and_version_and_every_command()
    {
        string help = DriverTool.Run("--help").Stdout;

        Assert.Contains("help [COMMAND]", help);
        Assert.Contains("version", help);
        NonEmpty.All(ArgumentParser.CommandWords, word => Assert.Contains(word, help));
        Assert.Contains("Examples:", help);
    }

    [Fact]
    public void The_man_page_and_readme_have_the_everyday_examples()
    {
        string man = ManPage();
        string readme = File.ReadAllText(Path.Combine(ToolPaths.RepositoryRoot, "README.md"));

        Assert.Contains(".SH EXAMPLES", man);
        Assert.Contains("## Examples", readme);
        // The README's run on the demo tree (ReadmeExampleTests), so they name its drivers.
        foreach ((string text, string driver) in new[] { (man, "intel-ice"), (readme, "emulex-lpfc") })
        {
            Assert.Contains("driver-tool list --format table", text);
            Assert.Contains($"driver-tool select {driver} dell", text);
            Assert.Contains($"driver-tool deselect {driver}", text);
            Assert.Contains("driver-tool history --limit 5 --format table", text);
            Assert.Contains("driver-tool verify", text);
            Assert.Contains("driver-tool verify --repair", text);
            Assert.Contains("--root /mnt/target", text);
        }
    }

    private static string ManPage() =>
        File.ReadAllText(Path.Combine(ToolPaths.RepositoryRoot, "dist/man/driver-tool.8")).Replace("\\-", "-").Replace("\\fB", "").Replace("\\fR", "").Replace("\\fI", "");
}
