using Dmv.Core.Catalog;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Links;

/// <summary>
/// Reads a kernel's <c>updates/</c> folder: each link whose target lies in a DMV variant selects
/// that variant. The variant is the one whose own info.json owns the target, however deep the
/// module sits in the variant's folder. Regular files and links elsewhere are not DMV's and are
/// left alone.
/// </summary>
internal static class UpdatesLinkScanner
{
    /// <param name="nameOf">The name the listing gives a variant's driver: selections are keyed by it.</param>
    public static KernelSelection Scan(HostRoot root, KernelCatalog kernel, LinkOwnership ownership, Func<CatalogVariant, string> nameOf, DiagnosticLog log)
    {
        var byDriver = new Dictionary<string, List<(string Link, CatalogVariant Variant)>>(StringComparer.Ordinal);
        if (!UpdatesFolder.TryRead(root, kernel, null, out UpdatesFolder updates, out Failure? failure, name => log.Warn(kernel.RealKernelDirectory + "/" + UpdatesFolder.Name + "/" + name, "name is not valid UTF-8; skipped"), withTargets: false))
        {
            log.Warn(updates.RealPath, failure.Message);
            return new KernelSelection(kernel.Release, new Dictionary<string, SelectedVariant>());
        }

        foreach (UpdatesItem entry in updates.Items)
        {
            // Only module files are looked at by depmod and the kernel: a hidden link staged by a switch is not a selection.
            if (entry.Kind != EntryKind.Link || !Modules.ModuleName.IsModuleFile(entry.Name) || entry.Name.StartsWith('.'))
            {
                continue;
            }

            string linkPath = updates.RealPath + "/" + entry.Name;
            PathResolution target = entry.Resolved;
            if (!target.Succeeded)
            {
                log.Warn(linkPath, $"broken link: {target.Reason}");
                continue;
            }

            CatalogVariant? owner = ownership.OwnerOf(target.RealPath, kernel, out bool insideCatalog, out bool ownerRejected);
            if (owner is null)
            {
                // A link into a variant whose info.json was rejected has been reported with that file.
                if (insideCatalog && !ownerRejected)
                {
                    log.Warn(linkPath, $"points to {target.RealPath}, which no variant's info.json owns");
                }

                continue;
            }

            string driver = nameOf(owner);
            if (!byDriver.TryGetValue(driver, out var links))
            {
                links = new List<(string, CatalogVariant)>();
                byDriver[driver] = links;
            }

            links.Add((entry.Name, owner));
        }

        var selected = new Dictionary<string, SelectedVariant>(byDriver.Count, StringComparer.Ordinal);
        foreach ((string driver, var links) in byDriver)
        {
            // Plain loops: LINQ's Select over these tuples is a generic virtual call that starts the
            // runtime's type loader on every listing.
            CatalogVariant first = links[0].Variant;
            var distinct = new List<string>(1);
            var firstLinks = new List<string>(links.Count);
            foreach ((string link, CatalogVariant variant) in links)
            {
                if (!distinct.Contains(variant.Info.Variant))
                {
                    distinct.Add(variant.Info.Variant);
                }

                if (variant.Info.Variant == first.Info.Variant)
                {
                    firstLinks.Add(link);
                }
            }

            if (distinct.Count > 1)
            {
                log.Warn(updates.RealPath, $"driver '{driver}' is half switched: its links point to variants {string.Join(", ", distinct)}; '{first.Info.Variant}' is reported");
            }

            selected[driver] = new SelectedVariant(first, firstLinks);
        }

        return new KernelSelection(kernel.Release, selected);
    }
}
