using Dmv.Core.Catalog;
using Dmv.Core.Diagnostics;

namespace Dmv.Core.Listing;

/// <summary>
/// Which catalog variants make up one listed driver, and the name it is listed under. Variants
/// group by their info.json <c>name</c>, whatever folders they sit in, so every variant the
/// listing shows can be selected by the names it shows. The one exception: when two driver
/// folders both define the same variant of the same name for one kernel, merging would hide one
/// of them, so each such folder is listed on its own, under its folder name.
/// </summary>
internal sealed class DriverGroups
{
    private readonly Dictionary<string, string> _nameByDirectory = new(StringComparer.Ordinal);

    private DriverGroups(List<(string Name, List<CatalogVariant> Sources)> groups)
    {
        Groups = groups;
        foreach ((string name, List<CatalogVariant> sources) in groups)
        {
            foreach (CatalogVariant source in sources)
            {
                _nameByDirectory[source.Directory] = name;
            }
        }
    }

    /// <summary>Each listed driver: its name and its variants in kernel order, then path order.</summary>
    public IReadOnlyList<(string Name, List<CatalogVariant> Sources)> Groups { get; }

    /// <summary>The name a variant is listed under.</summary>
    public string NameOf(CatalogVariant variant) => _nameByDirectory.GetValueOrDefault(variant.Directory) ?? variant.Info.Driver;

    public static DriverGroups Of(IEnumerable<KernelCatalog> catalogs, DiagnosticLog log)
    {
        var byName = new Dictionary<string, List<CatalogVariant>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (CatalogVariant variant in catalogs.SelectMany(static c => c.Variants))
        {
            if (!byName.TryGetValue(variant.Info.Driver, out List<CatalogVariant>? group))
            {
                group = [];
                byName[variant.Info.Driver] = group;
                order.Add(variant.Info.Driver);
            }

            group.Add(variant);
        }

        var groups = new List<(string Name, List<CatalogVariant> Sources)>(order.Count);
        var taken = new HashSet<string>(order, StringComparer.Ordinal);
        foreach (string name in order)
        {
            List<CatalogVariant> sources = byName[name];
            List<string>? clash = ClashingFolders(sources);
            if (clash is null)
            {
                groups.Add((name, sources));
                continue;
            }

            var byFolder = sources.GroupBy(static s => s.DriverFolder, StringComparer.Ordinal).ToList();
            if (byFolder.Any(f => f.Key != name && !taken.Add(f.Key)))
            {
                // A folder name that is already another driver's name cannot stand in for this one:
                // keep the merge, and the listing keeps the first of the clashing variants (with a warning).
                groups.Add((name, sources));
                continue;
            }

            log.Warn(sources[0].InfoPath, $"driver '{name}' is defined in folders {string.Join(", ", clash.Select(f => "dmv/" + f))} with the same variant for one kernel; each is listed under its folder name");
            foreach ((string folder, List<CatalogVariant> variants) in byFolder)
            {
                groups.Add((folder, variants));
            }
        }

        return new DriverGroups(groups);
    }

    /// <summary>The driver folders that define the same variant for the same kernel, or null when none do.</summary>
    private static List<string>? ClashingFolders(List<CatalogVariant> sources)
    {
        var firstFolder = new Dictionary<(string Kernel, string Variant), string>();
        SortedSet<string>? clash = null;
        foreach (CatalogVariant source in sources)
        {
            if (firstFolder.TryGetValue((source.Kernel, source.Info.Variant), out string? folder))
            {
                if (folder != source.DriverFolder)
                {
                    clash ??= new SortedSet<string>(StringComparer.Ordinal);
                    clash.Add(folder);
                    clash.Add(source.DriverFolder);
                }
            }
            else
            {
                firstFolder[(source.Kernel, source.Info.Variant)] = source.DriverFolder;
            }
        }

        return clash?.ToList();
    }
}
