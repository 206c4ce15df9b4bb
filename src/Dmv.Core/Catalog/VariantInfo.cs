namespace Dmv.Core.Catalog;

/// <summary>The content of one info.json: one variant of one driver.</summary>
internal sealed record VariantInfo(
    string Driver,
    string Variant,
    string Category,
    string Description,
    string Version,
    JsonNumberText Priority,
    string Status,
    IReadOnlyList<ModulePciIds> PciIds)
{
    /// <summary>The module file names info.json lists (the keys of pci_ids), in the order written.</summary>
    public IEnumerable<string> Modules => PciIds.Select(static entry => entry.Module);
}
