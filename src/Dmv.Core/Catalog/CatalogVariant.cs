namespace Dmv.Core.Catalog;

/// <summary>A variant found in one kernel's catalog: where its info.json is and what it says.</summary>
public sealed record CatalogVariant(string Kernel, string InfoPath, string Directory, VariantInfo Info);
