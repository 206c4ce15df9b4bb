namespace Dmv.Core.Catalog;

/// <summary>A variant found in one kernel's catalog: where its info.json is and what it says.</summary>
/// <param name="Folder">Where the info.json stands below dmv/ ("ice/dell"): callers may name a driver and a variant by these folders as well as by info.json's names.</param>
internal sealed record CatalogVariant(string Kernel, string Directory, string Folder, VariantInfo Info)
{
    /// <summary>The variant's info.json; made when asked (reports), not kept for every variant of a large catalog.</summary>
    public string InfoPath => Directory + "/" + CatalogScanner.InfoFileName;

    /// <summary>The folder directly below dmv/ ("ice"): where a driver's links point into.</summary>
    public string DriverFolder => Folder.IndexOf('/') is var slash and >= 0 ? Folder[..slash] : Folder;

    /// <summary>The folder that holds the info.json ("dell").</summary>
    public string VariantFolder => Folder[(Folder.LastIndexOf('/') + 1)..];
}
