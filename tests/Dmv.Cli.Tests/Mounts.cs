namespace Dmv.Cli.Tests;

/// <summary>Small tmpfs mounts for the read-only and full-disk cases; these need root, which CI has.</summary>
public sealed class TmpfsMount : IDisposable
{
    public TmpfsMount(string options)
    {
        Assert.True(Environment.UserName == "root", "the read-only and full-disk tests mount a tmpfs and must run as root (CI does)");
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dmv-mnt-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Path);
        Shell("mount", "-t", "tmpfs", "-o", options, "tmpfs", Path);
    }

    public string Path { get; }

    public void RemountReadOnly() => Shell("mount", "-o", "remount,ro", Path);

    public void Dispose()
    {
        Run("umount", Path);
        try
        {
            Directory.Delete(Path);
        }
        catch (IOException)
        {
        }
    }

    public static ProcessResult Run(params string[] command) => ExternalCommand.Run(command);

    private static void Shell(params string[] command)
    {
        ProcessResult result = Run(command);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result}");
    }
}
