using Dmv.Core.FileSystem;

namespace Dmv.Core.Catalog;

/// <summary>A kernel's dmv/ folder, open, with its top level read and its folders still to walk.</summary>
internal sealed class KernelScanPlan : IDisposable
{
    private DirectoryHandle _dmv;

    public KernelScanPlan(string release, string realKernelDirectory, DirectoryHandle dmv, IReadOnlyList<string> folders, CatalogScanner.Findings top)
    {
        Release = release;
        RealKernelDirectory = realKernelDirectory;
        _dmv = dmv;
        Folders = folders;
        Top = top;
    }

    public string Release { get; }

    public string RealKernelDirectory { get; }

    public DirectoryHandle Dmv => _dmv;

    /// <summary>The resolved real path of dmv/, or null when the kernel has none.</summary>
    public string? RealDmvDirectory => _dmv.IsOpen ? _dmv.RealPath : null;

    public IReadOnlyList<string> Folders { get; }

    /// <summary>What the top level itself held (an info.json directly in dmv/ counts too).</summary>
    public CatalogScanner.Findings Top { get; }

    public static KernelScanPlan Empty(string release, string realKernelDirectory) =>
        new(release, realKernelDirectory, default, [], new CatalogScanner.Findings([], []));

    public void Dispose() => _dmv.Dispose();
}
