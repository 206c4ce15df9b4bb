using Dmv.Core.Catalog;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Kernels;
using Dmv.Core.Links;

namespace Dmv.Core.Listing;

/// <summary>
/// The first half of reading a host, which the listing, the kernel inventory, verify and every
/// switch share: the installed kernels in boot order, each one's catalog read once, how the
/// catalogs group into listed drivers, and whose links are whose. What each command then reads
/// (a kernel's selection, the loaded modules, the kernel images) it reads from this.
/// </summary>
internal sealed class HostCatalogs
{
    private readonly HostRoot _root;

    private HostCatalogs(HostRoot root, KernelCatalog[] catalogs, DriverGroups groups)
    {
        _root = root;
        Catalogs = catalogs;
        Groups = groups;
        Ownership = new LinkOwnership(root, catalogs);
    }

    /// <summary>Each kernel's catalog, running kernel first, then newest first.</summary>
    public KernelCatalog[] Catalogs { get; }

    public DriverGroups Groups { get; }

    public LinkOwnership Ownership { get; }

    /// <param name="kernels">The kernels to read (from <see cref="InstalledKernels.List"/>, in its order).</param>
    /// <param name="alongside">Another read of the host, run on the cores the catalog scan leaves idle.</param>
    /// <param name="groupingLog">Where a driver listed under its folder names is reported, when not in <paramref name="log"/> (verify: it is no tree problem).</param>
    public static HostCatalogs Read(HostRoot root, IReadOnlyList<InstalledKernels.KernelDirectory> kernels, DiagnosticLog log, Action? alongside = null, DiagnosticLog? groupingLog = null)
    {
        KernelCatalog[] catalogs = CatalogReader.ReadAll(root, kernels, log, alongside);
        return new HostCatalogs(root, catalogs, DriverGroups.Of(catalogs, groupingLog ?? log));
    }

    /// <summary>Every installed kernel's catalogs (see <see cref="InstalledKernels.List"/> for the order).</summary>
    public static HostCatalogs Read(HostRoot root, string? runningKernel, DiagnosticLog log, Action? alongside = null, DiagnosticLog? groupingLog = null) =>
        Read(root, InstalledKernels.List(root, runningKernel, log), log, alongside, groupingLog);

    /// <summary>Which variant each driver's links in this kernel's <c>updates/</c> select, keyed by the listed name.</summary>
    public KernelSelection SelectionOf(KernelCatalog kernel, DiagnosticLog log) =>
        UpdatesLinkScanner.Scan(_root, kernel, Ownership, Groups.NameOf, log);
}
