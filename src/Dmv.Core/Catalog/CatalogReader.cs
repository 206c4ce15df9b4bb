using CommunityToolkit.HighPerformance.Buffers;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Kernels;

namespace Dmv.Core.Catalog;

/// <summary>Scans the catalogs of several kernels, keeping their order.</summary>
public static class CatalogReader
{
    public static KernelCatalog[] ReadAll(HostRoot root, IReadOnlyList<InstalledKernels.KernelDirectory> kernels, DiagnosticLog log)
    {
        var strings = new StringPool();
        var catalogs = new KernelCatalog[kernels.Count];
        var scratch = new ScanScratch();
        for (int i = 0; i < kernels.Count; i++)
        {
            scratch.Reset();
            catalogs[i] = CatalogScanner.Scan(root, kernels[i].Release, kernels[i].RealPath, strings, scratch, log);
        }

        return catalogs;
    }
}
