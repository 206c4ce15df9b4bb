using Dmv.Core.Catalog;
using Dmv.Core.Pci;

namespace Dmv.Core.Listing;

/// <summary>One variant of a driver across all kernels that carry it.</summary>
internal sealed record VariantEntry(
    string Name,
    string Version,
    JsonNumberText Priority,
    string Status,
    bool HardwarePresent,
    PciDevice? MatchedDevice,
    IReadOnlyList<CatalogVariant> Sources);
