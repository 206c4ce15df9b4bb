using System.Text.Json;

namespace Dmv.Cli.Tests;

public class CommandLineTests
{
    [Fact]
    public void Version_prints_the_version()
    {
        ProcessResult result = DriverTool.Run("--version");

        Assert.Equal(0, result.ExitCode);
        Assert.Matches(@"^driver-tool \d+\.\d+\.\d+\n$", result.Stdout);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("help")]
    public void Help_lists_the_commands(string flag)
    {
        ProcessResult result = DriverTool.Run(flag);

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("Usage: driver-tool", result.Stdout);
        Assert.Contains("--root DIR", result.Stdout);
    }

    [Theory]
    [InlineData("list", "--help")]
    [InlineData("--help", "list")]
    [InlineData("-l", "-h")]
    public void Help_of_one_command(string first, string second)
    {
        ProcessResult result = DriverTool.Run(first, second);

        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("Usage: driver-tool [OPTIONS] -l", result.Stdout);
    }

    [Theory]
    [InlineData(new[] { "--bogus" }, "unknown option '--bogus'")]
    [InlineData(new[] { "-x" }, "unknown option '-x'")]
    [InlineData(new[] { "frobnicate" }, "unknown command 'frobnicate'")]
    [InlineData(new string[0], "no command given")]
    [InlineData(new[] { "-l", "--root" }, "--root needs a value")]
    [InlineData(new[] { "-l", "--format", "xml" }, "unknown format 'xml'")]
    [InlineData(new[] { "verify", "ice", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "-l", "--strict=yes" }, "option '--strict' takes no value")]
    [InlineData(new[] { "--version=1" }, "option '--version' takes no value")]
    [InlineData(new[] { "--list=x" }, "option '--list' takes no value")]
    [InlineData(new[] { "trial", "--no-hooks" }, "option '--no-hooks' applies to 'trial confirm', 'trial rollback', 'trial settle' and 'trial boot'")]
    [InlineData(new[] { "trial", "enable", "--no-initrd" }, "option '--no-initrd' applies to 'trial confirm'")]
    [InlineData(new[] { "-l", "--root", "/a", "--root=/b" }, "option '--root' is given twice")]
    [InlineData(new[] { "-l", "--version" }, "cannot be combined")]
    [InlineData(new[] { "help", "nosuch" }, "no help for 'nosuch'")]
    public void A_bad_command_line_is_EINVAL_with_the_contract_error_reply(string[] args, string message)
    {
        ProcessResult result = DriverTool.Run(args);

        Assert.Equal(22, result.ExitCode);
        ContractChecker.AssertAccepted("error", result.Stdout);
        using JsonDocument reply = JsonDocument.Parse(result.Stdout);
        Assert.Equal(22, reply.RootElement.GetProperty("exit_code").GetInt32());
        Assert.Equal(0.1, reply.RootElement.GetProperty("version").GetDouble());
        Assert.Contains(message, reply.RootElement.GetProperty("message").GetString());
        string line = Assert.Single(result.StderrLines);
        Assert.StartsWith("driver-tool: ", line);
        Assert.Contains(message, line);
    }

    [Fact]
    public void A_missing_root_is_ENOENT()
    {
        ProcessResult result = DriverTool.Run("-l", "--root", "/nonexistent/host");

        Assert.Equal(2, result.ExitCode);
        ContractChecker.AssertAccepted("error", result.Stdout);
        Assert.Contains("--root /nonexistent/host: No such file or directory", result.Stderr);
    }

    [Fact]
    public void A_missing_lspci_file_is_ENOENT()
    {
        using var tree = new GeneratedTree();

        ProcessResult result = tree.List("--lspci", "/nonexistent/lspci.txt");

        Assert.Equal(2, result.ExitCode);
        ContractChecker.AssertAccepted("error", result.Stdout);
    }

    [Fact]
    public void Options_may_come_before_or_after_the_command_and_with_an_equals_sign()
    {
        using var tree = new GeneratedTree();
        string expected = tree.List().Stdout;

        Assert.Equal(expected, DriverTool.Run($"--root={tree.Root}", "-l").Stdout);
        Assert.Equal(expected, DriverTool.Run("--format", "json", "list", "--root", tree.Root).Stdout);
    }
}
