using Dmv.Core.Catalog;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Modules;
using Dmv.Core.Pci;
using Dmv.Core.Links;

namespace Dmv.Core.Listing;

/// <summary>
/// Reads every kernel's catalog and selection and the loaded modules, and merges them into one
/// entry per driver. Kernels are consulted running-first then newest-first, so "selected comes
/// from the first kernel that has one" means the same thing on every run.
/// </summary>
internal static class DriverListingBuilder
{
    public static DriverListing Build(HostRoot root, ListingOptions options, DiagnosticLog log)
    {
        PresentDevices hardware = PresentDevices.None;
        HostCatalogs host = HostCatalogs.Read(root, options.RunningKernel, log, alongside: () => hardware = options.ReadHardware());
        return Build(root, host, hardware, options.RunningKernel, log);
    }

    /// <summary>The listing of catalogs already read: each kernel's selection and the loaded modules are read here.</summary>
    public static DriverListing Build(HostRoot root, HostCatalogs host, PresentDevices hardware, string? runningKernel, DiagnosticLog log)
    {
        var selections = new KernelSelection[host.Catalogs.Length];
        for (int i = 0; i < selections.Length; i++)
        {
            selections[i] = host.SelectionOf(host.Catalogs[i], log);
        }

        using var loaded = new LoadedModules(root, log);
        var drivers = new List<DriverEntry>();
        foreach ((string name, List<CatalogVariant> variants) in host.Groups.Groups)
        {
            drivers.Add(BuildDriver(name, variants, selections, hardware, loaded, log));
        }

        drivers.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new DriverListing(drivers, host, selections, runningKernel, hardware);
    }

    private static DriverEntry BuildDriver(string name, List<CatalogVariant> sources, KernelSelection[] selections, PresentDevices hardware, LoadedModules loaded, DiagnosticLog log)
    {
        VariantInfo first = sources[0].Info;
        var variants = MergeVariants(sources, hardware, log);

        string? selected = null;
        foreach (KernelSelection selection in selections)
        {
            selected = selection.SelectedOf(name);
            if (selected is not null)
            {
                break;
            }
        }

        var modules = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (CatalogVariant source in sources)
        {
            foreach (string module in source.Info.Modules)
            {
                if (seen.Add(module))
                {
                    modules.Add(module);
                }
            }
        }

        var loadedModules = new List<string>();
        bool anyLoaded = false;
        string? noteText = null;
        string? notePath = null;
        foreach (string module in modules)
        {
            LoadedModule state = loaded.Get(module);
            anyLoaded |= state.IsLoaded;
            if (state.HasXenServerNote)
            {
                loadedModules.Add(module);
            }

            if (noteText is null && state.NoteText is not null)
            {
                noteText = state.NoteText;
                notePath = state.NotePath;
            }
        }

        string? active = noteText is null ? null : MatchActive(name, noteText, notePath!, variants, log);
        string? bootSelected = selections.Length > 0 ? selections[0].SelectedOf(name) : null;
        bool bootHardware = bootSelected is not null && variants.Find(v => v.Name == bootSelected)?.HardwarePresent == true;
        bool rebootPending = RebootRule.IsPending(anyLoaded, active, bootSelected, bootHardware);
        return new DriverEntry(name, first.Category, first.Description, selected, active, loadedModules, variants, rebootPending, anyLoaded, bootSelected);
    }

    private static List<VariantEntry> MergeVariants(List<CatalogVariant> sources, PresentDevices hardware, DiagnosticLog log)
    {
        var byName = new Dictionary<string, (VariantInfo Info, PciDevice? Match, List<CatalogVariant> Sources)>(StringComparer.Ordinal);
        var order = new List<string>();
        var seenInKernel = new HashSet<(string Kernel, string Variant)>();
        foreach (CatalogVariant source in sources)
        {
            VariantInfo info = source.Info;
            if (!seenInKernel.Add((source.Kernel, info.Variant)))
            {
                log.Warn(source.InfoPath, $"another info.json of kernel {source.Kernel} already defines variant '{info.Variant}' of driver '{info.Driver}'; this one is ignored");
                continue;
            }

            PciDevice? match = FirstMatch(info, hardware);
            if (byName.TryGetValue(info.Variant, out var known))
            {
                known.Sources.Add(source);
                if (known.Match is null && match is not null)
                {
                    byName[info.Variant] = (known.Info, match, known.Sources);
                }

                continue;
            }

            byName[info.Variant] = (info, match, new List<CatalogVariant> { source });
            order.Add(info.Variant);
        }

        order.Sort(StringComparer.Ordinal);
        var variants = new List<VariantEntry>(order.Count);
        foreach (string variantName in order)
        {
            var (info, match, variantSources) = byName[variantName];
            variants.Add(new VariantEntry(variantName, info.Version, info.Priority, info.Status, match is not null, match, variantSources));
        }

        return variants;
    }

    private static PciDevice? FirstMatch(VariantInfo info, PresentDevices hardware)
    {
        foreach (ModulePciIds module in info.PciIds)
        {
            foreach (PciId id in module.Ids)
            {
                PciDevice? device = hardware.FirstMatch(id);
                if (device is not null)
                {
                    return device;
                }
            }
        }

        return null;
    }

    /// <summary>The note names the variant, or in some builds its version: by name first, then by version.</summary>
    private static string? MatchActive(string driver, string noteText, string notePath, List<VariantEntry> variants, DiagnosticLog log)
    {
        foreach (VariantEntry variant in variants)
        {
            if (variant.Name == noteText)
            {
                return variant.Name;
            }
        }

        foreach (VariantEntry variant in variants)
        {
            if (variant.Version == noteText)
            {
                return variant.Name;
            }
        }

        log.Warn(notePath, $"names '{noteText}', which is neither a variant nor a version of driver '{driver}'");
        return null;
    }
}
