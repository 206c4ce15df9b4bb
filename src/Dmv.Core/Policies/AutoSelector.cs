using Dmv.Core.Catalog;
using Dmv.Core.Kernels;
using Dmv.Core.Listing;
using Dmv.Core.Pci;

namespace Dmv.Core.Policies;

/// <summary>
/// The installer's rule: for each driver with hardware present and nothing selected, the
/// hardware-present variant of largest priority; a tie goes to the more specific PCI match (more
/// fields that are not "*"), then to the higher version, then to the name, so the choice is the
/// same on every run.
/// </summary>
internal static class AutoSelector
{
    /// <param name="failedBoots">Variants that used up a trial's tries on this host: passed over.</param>
    public static List<AutoSelectChoice> Plan(DriverListing listing, State.FailedBootRecord? failedBoots = null)
    {
        var choices = new List<AutoSelectChoice>();
        PresentDevices hardware = listing.Hardware ?? PresentDevices.None;

        // Folders listed apart because they define the same variants of one info.json name (see
        // DriverGroups) are one driver to the kernel: once one is selected, the others are left alone.
        var taken = listing.Drivers.Where(static d => d.Selected is not null).Select(static d => d.InfoName).ToHashSet(StringComparer.Ordinal);
        foreach (DriverEntry driver in listing.Drivers)
        {
            if (driver.Selected is not null || taken.Contains(driver.InfoName))
            {
                continue;
            }

            VariantEntry? best = null;
            int bestSpecificity = -1;
            List<VariantEntry> candidates = driver.Variants.Where(v => v.HardwarePresent && failedBoots?.Contains(driver.Name, v.Name) != true);
            foreach (VariantEntry variant in candidates)
            {
                int specificity = Specificity(variant, hardware);
                if (best is null || Better(variant, specificity, best, bestSpecificity))
                {
                    best = variant;
                    bestSpecificity = specificity;
                }
            }

            if (best is not null)
            {
                int passedOver = driver.Variants.Count(v => v.HardwarePresent) - candidates.Count;
                string reason = (candidates.Count == 1
                    ? $"the only variant matching {best.MatchedDevice}"
                    : $"highest priority of {candidates.Count} variants matching the hardware ({best.MatchedDevice})")
                    + (passedOver > 0 ? $"; {passedOver} passed over: failed to boot on this host" : "");
                choices.Add(new AutoSelectChoice(driver.Name, best.Name, best.Priority.Text, bestSpecificity, best.Version, reason));
                taken.Add(driver.InfoName);
            }
        }

        return choices;
    }

    private static bool Better(VariantEntry candidate, int specificity, VariantEntry best, int bestSpecificity)
    {
        int order = candidate.Priority.Value.CompareTo(best.Priority.Value);
        if (order == 0)
        {
            order = specificity.CompareTo(bestSpecificity);
        }

        if (order == 0)
        {
            order = KernelVersionComparer.Instance.Compare(candidate.Version, best.Version);
        }

        if (order == 0)
        {
            order = string.CompareOrdinal(best.Name, candidate.Name);
        }

        return order > 0;
    }

    /// <summary>The most fields (of four) any of the variant's matching ids names exactly.</summary>
    private static int Specificity(VariantEntry variant, PresentDevices hardware)
    {
        int best = 0;
        foreach (CatalogVariant source in variant.Sources)
        {
            foreach (ModulePciIds module in source.Info.PciIds)
            {
                foreach (PciId id in module.Ids)
                {
                    if (hardware.Matches(id))
                    {
                        int exact = (id.Vendor >= 0 ? 1 : 0) + (id.Device >= 0 ? 1 : 0) + (id.SubVendor >= 0 ? 1 : 0) + (id.SubDevice >= 0 ? 1 : 0);
                        best = Math.Max(best, exact);
                    }
                }
            }
        }

        return best;
    }
}
