using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Listing;

namespace Dmv.Core.Policies;

/// <summary>
/// Turns the names a caller passes into a listed driver and variant. Callers pass back what
/// <c>-l</c> printed (info.json's <c>name</c> and <c>variant</c>), and the installer may pass the
/// folder names dmv/FOLDER/FOLDER; both are accepted. A name <c>-l</c> prints always means that
/// driver or variant, so what was listed can always be selected. A folder name is looked up only
/// when no listed name matches, and one that holds more than one driver (or variant) is refused
/// with EINVAL naming the folders, rather than guessed.
/// </summary>
internal static class NameResolver
{
    public static Failure? ResolveDriver(DriverListing listing, string name, DiagnosticLog log, out DriverEntry? driver)
    {
        DriverEntry? listed = listing.Driver(name);
        driver = listed;
        if (listed is not null)
        {
            foreach (DriverEntry other in listing.Drivers.Where(d => d != listed && d.Folders.Contains(name)))
            {
                log.Warn(name, $"also the folder dmv/{name}/ of driver '{other.Name}'; taken as the driver -l lists as '{name}'");
            }

            return null;
        }

        List<DriverEntry> byFolder = listing.Drivers.Where(d => d.Folders.Contains(name)).ToList();
        if (byFolder.Count == 1)
        {
            driver = byFolder[0];
            return null;
        }

        return byFolder.Count == 0
            ? new Failure(Errno.ENOENT, $"unknown driver '{name}'") { Unknown = new UnknownName("driver", name, listing.Drivers.Select(static d => d.Name)) }
            : new Failure(Errno.EINVAL, $"driver name '{name}' is ambiguous: the folder dmv/{name}/ holds {string.Join(" and ", byFolder.Select(d => $"'{d.Name}'"))}; name the driver as -l lists it");
    }

    public static Failure? ResolveVariant(DriverEntry driver, string name, out VariantEntry? variant)
    {
        variant = driver.Variant(name);
        if (variant is not null)
        {
            return null;
        }

        List<VariantEntry> byFolder = driver.Variants.Where(v => v.Sources.Any(s => s.VariantFolder == name)).ToList();
        if (byFolder.Count == 1)
        {
            variant = byFolder[0];
            return null;
        }

        return byFolder.Count == 0
            ? new Failure(Errno.ENOENT, $"driver '{driver.Name}' has no variant '{name}' in any kernel") { Unknown = new UnknownName("variant", name, driver.Variants.Select(static v => v.Name)) }
            : new Failure(Errno.EINVAL, $"variant name '{name}' of driver '{driver.Name}' is ambiguous: folders {string.Join(", ", byFolder.SelectMany(v => v.Sources).Select(s => "dmv/" + s.Folder).Distinct(StringComparer.Ordinal))} hold variants {string.Join(" and ", byFolder.Select(v => $"'{v.Name}'"))}; name the variant as -l lists it");
    }
}
