using CommunityToolkit.HighPerformance.Buffers;
using Dmv.Core.Concurrency;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Kernels;
using Microsoft.Extensions.ObjectPool;

namespace Dmv.Core.Catalog;

/// <summary>
/// Reads the catalogs of all kernels. After each kernel's dmv/ top level is read, every driver
/// folder of every kernel is one work item, run on all cores together with
/// <paramref name="alongside"/> (another read of the host); the result keeps the kernels' order
/// and, within a kernel, path order. Hosts usually have one kernel, so splitting by folder, not
/// by kernel, is what puts the second core to work.
/// </summary>
internal static class CatalogReader
{
    public static KernelCatalog[] ReadAll(HostRoot root, IReadOnlyList<InstalledKernels.KernelDirectory> kernels, DiagnosticLog log, Action? alongside = null)
    {
        // Sized for a catalog's distinct names; the default table (2048) costs more to clear than a small listing takes.
        var strings = new StringPool(256);
        var scratchPool = new DefaultObjectPool<ScanScratch>(new DefaultPooledObjectPolicy<ScanScratch>(), Environment.ProcessorCount);
        var plans = new KernelScanPlan[kernels.Count];
        ScanScratch first = scratchPool.Get();
        for (int k = 0; k < kernels.Count; k++)
        {
            plans[k] = CatalogScanner.OpenKernel(root, kernels[k].Release, kernels[k].RealPath, strings, first, log);
        }

        scratchPool.Return(first);
        try
        {
            var items = new List<(int Kernel, string Folder)>();
            for (int k = 0; k < plans.Length; k++)
            {
                foreach (string folder in plans[k].Folders)
                {
                    items.Add((k, folder));
                }
            }

            var findings = new CatalogScanner.Findings[items.Count];
            int offset = alongside is null ? 0 : 1;
            ParallelWork.Run(items.Count + offset, Environment.ProcessorCount, index =>
            {
                if (index < offset)
                {
                    alongside!();
                    return;
                }

                (int kernel, string folder) = items[index - offset];
                ScanScratch scratch = scratchPool.Get();
                try
                {
                    findings[index - offset] = CatalogScanner.ScanFolder(plans[kernel], folder, root, strings, scratch, log);
                }
                finally
                {
                    scratchPool.Return(scratch);
                }
            });

            return Assemble(plans, items, findings);
        }
        finally
        {
            foreach (KernelScanPlan plan in plans)
            {
                plan.Dispose();
            }
        }
    }

    private static KernelCatalog[] Assemble(KernelScanPlan[] plans, List<(int Kernel, string Folder)> items, CatalogScanner.Findings[] findings)
    {
        var catalogs = new KernelCatalog[plans.Length];
        int next = 0;
        for (int k = 0; k < plans.Length; k++)
        {
            var variants = new List<CatalogVariant>(plans[k].Top.Variants);
            var rejected = new List<string>(plans[k].Top.Rejected);
            for (; next < items.Count && items[next].Kernel == k; next++)
            {
                variants.AddRange(findings[next].Variants);
                rejected.AddRange(findings[next].Rejected);
            }

            catalogs[k] = new KernelCatalog(plans[k].Release, plans[k].RealKernelDirectory, plans[k].RealDmvDirectory, variants, rejected);
        }

        return catalogs;
    }
}
