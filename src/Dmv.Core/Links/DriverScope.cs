using Dmv.Core.Catalog;

namespace Dmv.Core.Links;

/// <summary>
/// What a switch treats as one driver: the name it is listed under, the catalog variants that
/// make it up (in any folder), and the folders below dmv/ they sit in. A driver whose catalog is
/// gone (its links left dangling by a package removal) is known by its folder alone.
/// </summary>
/// <param name="InfoName">info.json's name: a variant of that name in one of the driver's folders is the driver's, even one the listing left out as a duplicate.</param>
internal sealed record DriverScope(string Name, string InfoName, IReadOnlyList<CatalogVariant> Sources, IReadOnlyList<string> Folders)
{
    public static DriverScope FolderOnly(string folder) => new(folder, folder, [], [folder]);

    /// <summary>A driver as <see cref="Listing.DriverGroups"/> groups the catalog, without a listing.</summary>
    public static DriverScope OfGroup(string name, IReadOnlyList<CatalogVariant> sources) =>
        new(name, sources[0].Info.Driver, sources, sources.Select(static s => s.DriverFolder).Distinct(StringComparer.Ordinal).ToList());

    public bool Owns(CatalogVariant variant)
    {
        foreach (CatalogVariant source in Sources)
        {
            if (source.Directory == variant.Directory)
            {
                return true;
            }
        }

        return variant.Info.Driver == InfoName && Folders.Contains(variant.DriverFolder);
    }
}
