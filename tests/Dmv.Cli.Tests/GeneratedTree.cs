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

    public void Dispose() => Scratch.Delete(Root);
}
