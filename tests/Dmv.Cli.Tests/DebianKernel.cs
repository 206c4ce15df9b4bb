namespace Dmv.Cli.Tests;

/// <summary>
/// Debian's linux-image-*-amd64, unpacked once into .cache/debian/ by scripts/fetch-debian-kernel.sh
/// and reused. A test that needs it fails, with the script's message, when it cannot be had: real
/// data is never skipped silently.
/// </summary>
public static class DebianKernel
{
    private static readonly Lazy<(string Root, string Release)> Unpacked = new(Fetch);

    /// <summary>The folder the package was unpacked into (it has lib/modules/RELEASE and boot/).</summary>
    public static string Root => Unpacked.Value.Root;

    public static string Release => Unpacked.Value.Release;

    public static string ModulesDirectory => Path.Combine(Root, "lib/modules", Release);

    /// <summary>The in-tree path of a module, relative to the modules folder, e.g. kernel/drivers/…/e1000e.ko.</summary>
    public static string InTree(string module) =>
        Path.GetRelativePath(ModulesDirectory, Directory.EnumerateFiles(Path.Combine(ModulesDirectory, "kernel"), module, SearchOption.AllDirectories).Single());

    private static (string, string) Fetch()
    {
        ProcessResult result = ExternalCommand.Run(["bash", Path.Combine(ToolPaths.RepositoryRoot, "scripts/fetch-debian-kernel.sh")]);
        Assert.True(result.ExitCode == 0, $"Debian's kernel package could not be fetched, so the real-module tests cannot run: {result.Stderr.Trim()}");
        string[] parts = result.Stdout.Trim().Split(' ');
        return (parts[0], parts[1]);
    }
}
