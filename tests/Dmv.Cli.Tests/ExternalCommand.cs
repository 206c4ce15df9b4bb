using System.Diagnostics;

namespace Dmv.Cli.Tests;

/// <summary>Runs another program (rpm, dracut, depmod, openssl, qemu…): output captured, stdin closed, time bounded.</summary>
public static class ExternalCommand
{
    public static ProcessResult Run(IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment = null, int timeoutSeconds = 60)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return DriverTool.Execute(start, null, timeoutSeconds);
    }

    /// <summary>As <see cref="Run"/>, and the test fails unless the program exits 0.</summary>
    public static ProcessResult Check(IReadOnlyList<string> command, IReadOnlyDictionary<string, string>? environment = null, int timeoutSeconds = 60)
    {
        ProcessResult result = Run(command, environment, timeoutSeconds);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result}");
        return result;
    }
}
