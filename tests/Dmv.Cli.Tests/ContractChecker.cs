using System.Diagnostics;

namespace Dmv.Cli.Tests;

/// <summary>The callers' own check (shared/tools/check-contract.py), run on our output.</summary>
public static class ContractChecker
{
    public static void AssertAccepted(string mode, string output, params string[] args)
    {
        string checker = ToolPaths.ContractChecker;
        Assert.True(File.Exists(checker), $"the contract checker {checker} is missing (shared/ must stand beside the repository)");
        var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(checker);
        start.ArgumentList.Add(mode);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        ProcessResult result = DriverTool.Execute(start, output);
        Assert.True(result.ExitCode == 0, $"check-contract.py {mode} refused the output:\n{result.Stdout}{result.Stderr}\noutput was: {output}");
    }
}
