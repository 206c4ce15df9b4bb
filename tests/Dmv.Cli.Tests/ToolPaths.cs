namespace Dmv.Cli.Tests;

/// <summary>Where the published binary and the callers' contract checker are.</summary>
public static class ToolPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The AOT binary `make` publishes; DRIVER_TOOL overrides it.</summary>
    public static string DriverTool =>
        Environment.GetEnvironmentVariable("DRIVER_TOOL") is { Length: > 0 } path ? path : Path.Combine(RepositoryRoot, "build/obj/driver-tool");

    /// <summary>The test build (make publish-seams): the same binary with the DRIVER_TOOL_TEST_* seams compiled in.</summary>
    public static string SeamsDriverTool =>
        Environment.GetEnvironmentVariable("DRIVER_TOOL_SEAMS") is { Length: > 0 } path ? path : Path.Combine(RepositoryRoot, "build/test-obj/driver-tool");

    /// <summary>shared/tools/check-contract.py beside the repository; CHECK_CONTRACT overrides it.</summary>
    public static string ContractChecker =>
        Environment.GetEnvironmentVariable("CHECK_CONTRACT") is { Length: > 0 } path ? path : Path.GetFullPath(Path.Combine(RepositoryRoot, "../shared/tools/check-contract.py"));

    private static string FindRepositoryRoot()
    {
        for (string? directory = AppContext.BaseDirectory; directory is not null; directory = Path.GetDirectoryName(directory))
        {
            if (File.Exists(Path.Combine(directory, "Dmv.Aot.sln")))
            {
                return directory;
            }
        }

        throw new InvalidOperationException("cannot find Dmv.Aot.sln above " + AppContext.BaseDirectory);
    }
}
