namespace Dmv.Core.Listing;

/// <summary>One driver with every variant found for it in any kernel, and its selected and active state.</summary>
internal sealed record DriverEntry(
    string Name,
    string Type,
    string Description,
    string? Selected,
    string? Active,
    IReadOnlyList<string> LoadedModules,
    IReadOnlyList<VariantEntry> Variants,
    bool RebootPending,
    bool Loaded = false,
    string? BootSelected = null)
{
    /// <summary>The same driver after a switch changed what the boot kernel selects.</summary>
    public DriverEntry WithBootSelection(string? variant, bool inBootKernel)
    {
        string? bootSelected = inBootKernel ? variant : BootSelected;
        bool hardware = bootSelected is not null && Variant(bootSelected)?.HardwarePresent == true;
        return this with
        {
            Selected = variant ?? (inBootKernel ? null : Selected),
            BootSelected = bootSelected,
            RebootPending = RebootRule.IsPending(Loaded, Active, bootSelected, hardware),
        };
    }

    /// <summary>What a switch treats as this driver: its name, its catalog variants and their folders.</summary>
    public Links.DriverScope Scope => new(Name, InfoName, Variants.SelectMany(static v => v.Sources).ToList(), Folders);

    /// <summary>The folders directly below dmv/ that hold its variants, first seen first.</summary>
    public IReadOnlyList<string> Folders =>
        Variants.SelectMany(static v => v.Sources).Select(static s => s.DriverFolder).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>info.json's <c>name</c>: the listed name too, except for a driver listed under its folder name (see <see cref="DriverGroups"/>).</summary>
    public string InfoName => Variants.Count > 0 ? Variants[0].Sources[0].Info.Driver : Name;

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
