using System.Diagnostics;

namespace Dmv.Cli.Tests;

/// <summary>Runs the published driver-tool binary as a caller would: a separate process, stdout and stderr apart.</summary>
public static class DriverTool
{
    public static ProcessResult Run(params string[] args) => Run(args, stdin: null, asNobody: false);

    public static ProcessResult Run(IReadOnlyList<string> args, string? stdin, bool asNobody = false, IReadOnlyDictionary<string, string>? environment = null)
    {
        // A test seam (DRIVER_TOOL_TEST_*) exists only in the test build; the shipped binary ignores them.
        bool seams = environment?.Keys.Any(static k => k.StartsWith("DRIVER_TOOL_TEST_", StringComparison.Ordinal)) == true;
        string binary = seams ? ToolPaths.SeamsDriverTool : ToolPaths.DriverTool;
        Assert.True(File.Exists(binary), $"{binary} is missing: run 'make test', which publishes it first");
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asNobody)
        {
            // Root reads every folder whatever its mode; an unprivileged user is needed to meet EACCES.
            start.FileName = "setpriv";
            foreach (string arg in new[] { "--reuid=65534", "--regid=65534", "--clear-groups", binary })
            {
                start.ArgumentList.Add(arg);
            }
        }
        else
        {
            start.FileName = binary;
        }

        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return Execute(start, stdin);
    }

    public static ProcessResult Execute(ProcessStartInfo start, string? stdin, int timeoutSeconds = 60)
    {
        using var process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
        }

        process.StandardInput.Close();
        if (!process.WaitForExit(timeoutSeconds * 1000))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{start.FileName} {string.Join(' ', start.ArgumentList)} did not finish in {timeoutSeconds} s");
        }

        return new ProcessResult(process.ExitCode, stdout.Result, stderr.Result);
    }
}
