namespace Dmv.Core.Listing;

/// <summary>One driver with every variant found for it in any kernel, and its selected and active state.</summary>
public sealed record DriverEntry(
    string Name,
    string Type,
    string Description,
    string? Selected,
    string? Active,
    IReadOnlyList<string> LoadedModules,
    IReadOnlyList<VariantEntry> Variants,
    bool RebootPending)
{
    public VariantEntry? Variant(string name)
    {
        foreach (VariantEntry variant in Variants)
        {
            if (variant.Name == name)
            {
                return variant;
            }
        }

        return null;
    }
}
