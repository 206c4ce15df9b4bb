using Dmv.Core.Catalog;
using Dmv.Core.Pci;

namespace Dmv.Core.Integrity;

/// <summary>Why a variant can or cannot be chosen: hardware matches, and per kernel its signature, kABI and note checks.</summary>
public sealed record VariantExplanation(
    string Variant,
    string Version,
    JsonNumberText Priority,
    string Status,
    IReadOnlyList<IdMatch> Matches,
    IReadOnlyList<VariantCheck> Kernels,
    bool Eligible,
    IReadOnlyList<string> Reasons);

/// <summary>One catalog id of a variant and the present device it matched, if any.</summary>
public sealed record IdMatch(string Module, PciId Id, PciDevice? Device);
