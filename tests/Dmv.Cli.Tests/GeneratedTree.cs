using Dmv.Fixtures;

namespace Dmv.Cli.Tests;

/// <summary>A generated host tree in a scratch folder, removed after the test.</summary>
public sealed class GeneratedTree : IDisposable
{
    public GeneratedTree(HostTreeSpec spec)
    {
        Root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dmv-cli-" + Guid.NewGuid().ToString("N")[..12]);
        Manifest = HostTreeGenerator.Write(Root, spec);
    }

    public GeneratedTree() : this(new HostTreeSpec { Seed = 5, Kernels = 2, Drivers = 8, VariantsPerDriver = 3, PciDevices = 12 })
    {
    }

    public string Root { get; }

    public HostTreeManifest Manifest { get; }

    public string Path(string relative) => System.IO.Path.Combine(Root, relative.TrimStart('/'));

    public ProcessResult List(params string[] extra) => DriverTool.Run(["--root", Root, "-l", .. extra]);

    public void Dispose()
    {
        try
        {
            RestoreModes(Root);
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void RestoreModes(string directory)
    {
        foreach (string sub in Directory.EnumerateDirectories(directory, "*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true, AttributesToSkip = 0 }))
        {
            if ((File.GetAttributes(sub) & FileAttributes.ReparsePoint) == 0)
            {
                File.SetUnixFileMode(sub, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            }
        }
    }
}
