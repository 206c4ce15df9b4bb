using Dmv.Core.Catalog;

namespace Dmv.Core.Selection;

/// <summary>The variant of a driver that a kernel's updates/ links point at, and the links that do.</summary>
public sealed record SelectedVariant(CatalogVariant Variant, IReadOnlyList<string> Links);
