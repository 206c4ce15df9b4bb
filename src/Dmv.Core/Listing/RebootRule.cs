namespace Dmv.Core.Listing;

/// <summary>
/// Whether a driver's next boot differs from what is loaded now. Loaded: the active variant (null
/// for a build without the XenServer note) against the boot kernel's selection. Not loaded: it will
/// be at the next boot when a variant is selected and its hardware is present.
/// </summary>
internal static class RebootRule
{
    public static bool IsPending(bool loaded, string? active, string? bootSelected, bool bootSelectedHardwarePresent) =>
        loaded ? active != bootSelected : bootSelected is not null && bootSelectedHardwarePresent;
}
