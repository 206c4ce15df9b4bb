using Dmv.Core.Pci;

namespace Dmv.Core.Listing;

/// <summary>
/// What a listing needs besides the tree: how to learn the hardware present (run alongside the
/// catalog scan, since reading sysfs is as slow as reading a kernel's catalog) and the running kernel, if any.
/// </summary>
internal sealed record ListingOptions(Func<PresentDevices> ReadHardware, string? RunningKernel)
{
    public ListingOptions(PresentDevices hardware, string? runningKernel)
        : this(() => hardware, runningKernel)
    {
    }
}
