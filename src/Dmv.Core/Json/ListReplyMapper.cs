using Dmv.Core.Listing;

namespace Dmv.Core.Json;

/// <summary>Turns a <see cref="DriverListing"/> into the contract's reply shape.</summary>
internal static class ListReplyMapper
{
    /// <param name="reboot">The host's reboot flag, when <paramref name="listing"/> holds only some of its drivers.</param>
    public static ListReply ToReply(DriverListing listing, bool? reboot = null)
    {
        var drivers = new Dictionary<string, DriverReply>(listing.Drivers.Count, StringComparer.Ordinal);
        foreach (DriverEntry driver in listing.Drivers)
        {
            var variants = new Dictionary<string, VariantReply>(driver.Variants.Count, StringComparer.Ordinal);
            foreach (VariantEntry variant in driver.Variants)
            {
                variants[variant.Name] = new VariantReply
                {
                    Version = variant.Version,
                    HardwarePresent = variant.HardwarePresent,
                    Priority = variant.Priority,
                    Status = variant.Status,
                };
            }

            drivers[driver.Name] = new DriverReply
            {
                Type = driver.Type,
                FriendlyName = driver.InfoName,
                Description = driver.Description,
                Info = driver.InfoName,
                Selected = driver.Selected,
                Active = driver.Active,
                LoadedModules = driver.LoadedModules.ToList(),
                Variants = variants,
            };
        }

        return new ListReply
        {
            Operation = new OperationState { Reboot = reboot ?? listing.RebootRequired },
            Drivers = drivers,
        };
    }
}
