using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Listing;

namespace Dmv.Core.Switching;

/// <summary>
/// The one rule for when a kernel's failure fails a whole switch. A switch succeeds when the next
/// <c>-l</c> shows it, and <c>-l</c> reports a driver's selection from the first kernel in its
/// order (the running kernel, then newest first) that the switch concerns: for a select, one that
/// has the variant or keeps another selection of the driver; for a deselect, one whose links it
/// removes. That kernel must take the switch, or nothing is changed and the command fails with
/// its reason; other kernels that cannot take it keep what they have and are reported.
/// </summary>
internal static class DecidingKernel
{
    /// <param name="variant">The variant selected, or null for a deselect.</param>
    public static Failure? Failure(DriverListing listing, SwitchPlan plan, string driver, VariantEntry? variant)
    {
        if (plan.Failed.Count == 0 && variant is null)
        {
            return null;
        }

        var concerned = new HashSet<string>(StringComparer.Ordinal);
        concerned.UnionWith(variant is null ? plan.Kernels : variant.Sources.Select(static s => s.Kernel));
        concerned.UnionWith(plan.Failed.Select(static f => f.Kernel));
        for (int k = 0; k < listing.Kernels.Count; k++)
        {
            string kernel = listing.Kernels[k].Release;
            if (plan.Failed.FirstOrDefault(f => f.Kernel == kernel) is KernelFailure failed)
            {
                return concerned.Count > 1 ? failed.Failure with { Message = $"kernel {kernel}: {failed.Failure.Message}; nothing was changed in any kernel" } : failed.Failure;
            }

            if (concerned.Contains(kernel))
            {
                return null;
            }

            if (variant is not null && listing.Selections[k].SelectedOf(driver) is string other)
            {
                return new Failure(Errno.ENOENT, $"kernel {kernel} has no variant '{variant.Name}' of '{driver}' and keeps '{other}', which -l reports; nothing was changed in any kernel");
            }
        }

        return null;
    }
}
