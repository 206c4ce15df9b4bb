using Dmv.Core.Catalog;

namespace Dmv.Core.Links;

/// <summary>The variant of a driver that a kernel's updates/ links point at, and the links that do.</summary>
internal sealed record SelectedVariant(CatalogVariant Variant, IReadOnlyList<string> Links);
