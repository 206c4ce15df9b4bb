using Dmv.Core.Catalog;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Links;

/// <summary>
/// Whose a link in a kernel's <c>updates/</c> is: the one rule list, select, deselect, reconcile
/// and verify share. A link that resolves belongs to the variant whose own info.json stands in the
/// nearest folder above its target, however deep the module sits, in the link's kernel or another
/// (kernels may share a catalog). A link whose target is gone is judged by its text: the folders
/// below one of the kernels' own dmv/ folders that it names. A link anywhere else — a folder of
/// another vendor that happens to be called dmv, say — is never driver-tool's.
/// </summary>
internal sealed class LinkOwnership
{
    private readonly IReadOnlyList<KernelCatalog> _catalogs;
    private readonly List<string> _hostDmvFolders;
    private readonly HostRoot _root;
    private readonly List<CatalogVariant> _variantsDeepestFirst;

    public LinkOwnership(HostRoot root, IReadOnlyList<KernelCatalog> catalogs)
    {
        _catalogs = catalogs;
        _hostDmvFolders = catalogs
            .Select(c => root.HostPathOf(c.RealDmvDirectory ?? c.RealKernelDirectory + "/dmv") + "/")
            .Distinct(StringComparer.Ordinal)
            .ToList();
        _root = root;
        _variantsDeepestFirst = catalogs.SelectMany(static c => c.Variants).ToList();
        _variantsDeepestFirst.Sort(static (a, b) => b.Directory.Length.CompareTo(a.Directory.Length));
    }

    /// <summary>
    /// The variant that owns a resolved target. <paramref name="insideCatalog"/>: the target lies in
    /// some kernel's dmv/; <paramref name="ownerRejected"/>: its nearest info.json was rejected (and reported).
    /// </summary>
    public CatalogVariant? OwnerOf(string realTarget, KernelCatalog kernel, out bool insideCatalog, out bool ownerRejected)
    {
        insideCatalog = false;
        ownerRejected = false;
        foreach (KernelCatalog candidate in _catalogs.Prepend(kernel))
        {
            if (!candidate.Covers(realTarget))
            {
                continue;
            }

            insideCatalog = true;
            CatalogVariant? owner = candidate.OwnerOf(realTarget, out ownerRejected);
            if (owner is not null || ownerRejected)
            {
                return owner;
            }
        }

        return null;
    }

    /// <summary>
    /// True when a link of <paramref name="kernel"/>'s updates/ (at <paramref name="hostUpdates"/>,
    /// reading <paramref name="linkText"/>, resolving as <paramref name="resolved"/>) is one of the driver's.
    /// </summary>
    public bool BelongsTo(DriverScope driver, KernelCatalog kernel, string hostUpdates, string linkText, PathResolution resolved)
    {
        if (resolved.Succeeded)
        {
            CatalogVariant? owner = OwnerOf(resolved.RealPath, kernel, out bool inside, out _);
            if (owner is not null)
            {
                return driver.Owns(owner);
            }

            // Inside dmv/ but owned by no valid info.json (it was rejected, or the file lies outside
            // any variant): the driver's if it lies in one of the driver's folders.
            return inside && _catalogs.Any(c => c.RealDmvDirectory is not null
                && driver.Folders.Any(f => KernelCatalog.IsBelow(resolved.RealPath, c.RealDmvDirectory + "/" + f)));
        }

        // Gone: the variant whose folder the text names is the owner, however deep; only when no
        // variant has that folder any more (a package removed it) does the driver folder decide.
        CatalogVariant? named = VariantNamedBy(hostUpdates, linkText);
        if (named is not null)
        {
            return driver.Owns(named);
        }

        (string? folder, _) = FoldersNamedBy(hostUpdates, linkText);
        return folder is not null && driver.Folders.Contains(folder);
    }

    /// <summary>The variant (of any kernel) whose folder a link's text leads into, by text alone, deepest first; null when none does.</summary>
    public CatalogVariant? VariantNamedBy(string hostUpdates, string linkText)
    {
        string lexical = LexicalTarget(hostUpdates, linkText);
        foreach (CatalogVariant variant in _variantsDeepestFirst)
        {
            if (KernelCatalog.IsBelow(lexical, _root.HostPathOf(variant.Directory)))
            {
                return variant;
            }
        }

        return null;
    }

    /// <summary>
    /// The driver and variant folders a link's text names — dmv/DRIVER/VARIANT/…/FILE below one of
    /// the kernels' own dmv/ folders — whether or not the target exists; null for what it does not name.
    /// </summary>
    public (string? DriverFolder, string? VariantFolder) FoldersNamedBy(string hostUpdates, string linkText)
    {
        string lexical = LexicalTarget(hostUpdates, linkText);
        foreach (string folder in _hostDmvFolders)
        {
            if (lexical.StartsWith(folder, StringComparison.Ordinal))
            {
                string[] inside = lexical[folder.Length..].Split('/');
                return (inside.Length >= 2 ? inside[0] : null, inside.Length >= 3 ? inside[1] : null);
            }
        }

        return (null, null);
    }

    /// <summary>
    /// For a link of <paramref name="kernel"/>'s updates/ (at <paramref name="hostUpdates"/>, already
    /// resolved) written with an absolute target into that kernel's own dmv/ and reaching a module a
    /// variant owns, the same target written relative to updates/ ("../dmv/DRIVER/VARIANT/M.ko", the
    /// text kept, so a linked folder on the way stays a link) — when that reaches the very same file;
    /// else null.
    /// </summary>
    public string? RelativeFormOf(KernelCatalog kernel, string hostUpdates, string name, string linkText, PathResolution resolved)
    {
        string own = $"{Kernels.InstalledKernels.ModulesDirectory}/{kernel.Release}/dmv/";
        string lexical = LexicalTarget("/", linkText);
        if (!linkText.StartsWith('/') || !resolved.Succeeded || !lexical.StartsWith(own, StringComparison.Ordinal)
            || !lexical.EndsWith("/" + name, StringComparison.Ordinal) || OwnerOf(resolved.RealPath, kernel, out _, out _) is null)
        {
            return null;
        }

        string relative = "../dmv/" + lexical[own.Length..];
        PathResolution same = _root.ResolveFrom(hostUpdates, relative);
        return same.Succeeded && same.RealPath == resolved.RealPath ? relative : null;
    }

    /// <summary>A link with an absolute target that reaches a module of some variant: a DMV link as xcp.dmv writes them.</summary>
    public bool IsAbsoluteDmvLink(KernelCatalog kernel, string linkText, PathResolution resolved) =>
        linkText.StartsWith('/') && resolved.Succeeded && OwnerOf(resolved.RealPath, kernel, out _, out _) is not null;

    /// <summary>Where a link's target would be, by text alone: "." and ".." folded, nothing followed.</summary>
    public static string LexicalTarget(string hostDirectory, string target)
    {
        string combined = target.StartsWith('/') ? target : hostDirectory + "/" + target;
        var parts = new List<string>();
        foreach (string part in combined.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }
            }
            else if (part != ".")
            {
                parts.Add(part);
            }
        }

        return "/" + string.Join('/', parts);
    }
}
