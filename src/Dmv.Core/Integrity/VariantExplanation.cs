using Dmv.Core.Pci;
using Dmv.Core.Catalog;

namespace Dmv.Core.Integrity;

/// <summary>Why a variant can or cannot be chosen: hardware matches, and per kernel its signature, kABI and note checks.</summary>
internal sealed record VariantExplanation(
    string Variant,
    string Version,
    JsonNumberText Priority,
    string Status,
    IReadOnlyList<IdMatch> Matches,
    IReadOnlyList<VariantCheck> Kernels,
    bool Eligible,
    IReadOnlyList<string> Reasons);

/// <summary>One catalog id of a variant and the present device it matched, if any.</summary>
internal sealed record IdMatch(string Module, PciId Id, PciDevice? Device);
