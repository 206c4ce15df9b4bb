using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Pci;

/// <summary>
/// Reads the PCI devices from sysfs: no lspci process, and available in an initrd. Each device's
/// <c>uevent</c> gives its four ids in one read; where it lacks them, the separate
/// <c>vendor</c>, <c>device</c>, <c>subsystem_vendor</c> and <c>subsystem_device</c> files are read.
/// </summary>
internal static class SysfsPciReader
{
    public const string DevicesDirectory = "/sys/bus/pci/devices";
    private const int MaxAttributeBytes = 64;
    private const int MaxUeventBytes = 4096;

    public static List<PciDevice> Read(HostRoot root, DiagnosticLog log)
    {
        var devices = new List<PciDevice>();
        var entries = new List<DirectoryEntry>();
        if (!root.TryList(DevicesDirectory, entries, out Failure? failure))
        {
            log.Warn(root.RealPathOf(DevicesDirectory), $"{(failure.Errno == Errno.ENOENT ? Errno.Describe(failure.Errno) : failure.DetailAt(root.RealPathOf(DevicesDirectory)))}; no PCI hardware is known, every variant is listed without hardware");
            return devices;
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        string folder = root.RealPathOf(DevicesDirectory);
        byte[] buffer = new byte[512];
        foreach (DirectoryEntry entry in entries)
        {
            if (!entry.IsUsable(folder, log))
            {
                continue;
            }

            // Each device's uevent gives its four ids in one read; the device's link is followed inside the root.
            string hostDevice = DevicesDirectory + "/" + entry.Name;
            string slot = ShortSlot(entry.Name);
            if (root.TryReadAttribute(hostDevice + "/uevent", MaxUeventBytes, ref buffer, out int length, out failure)
                && PciUevent.TryParse(buffer.AsSpan(0, length), out int vendor, out int deviceId, out int subVendor, out int subDevice))
            {
                devices.Add(new PciDevice(slot, vendor, deviceId, subVendor, subDevice));
                continue;
            }

            if (failure?.Errno is Errno.EXDEV or Errno.ELOOP or Errno.ENOTDIR)
            {
                // The device's own link leads out of the root or nowhere: no attribute can be read through it.
                log.Warn(folder + "/" + entry.Name, failure.DetailAt(root.RealPathOf(hostDevice + "/uevent")));
                continue;
            }

            PciDevice? fromAttributes = ReadAttributes(root, hostDevice, slot, log, ref buffer);
            if (fromAttributes is not null)
            {
                devices.Add(fromAttributes);
            }
        }

        return devices;
    }

    /// <summary>The same identity from the four attribute files, each opened inside the root.</summary>
    public static PciDevice? ReadAttributes(HostRoot root, string hostDevice, string slot, DiagnosticLog log, ref byte[] buffer)
    {
        if (!TryReadHex(root, hostDevice, "vendor", required: true, log, ref buffer, out int vendor)
            || !TryReadHex(root, hostDevice, "device", required: true, log, ref buffer, out int deviceId))
        {
            return null;
        }

        TryReadHex(root, hostDevice, "subsystem_vendor", required: false, log, ref buffer, out int subVendor);
        TryReadHex(root, hostDevice, "subsystem_device", required: false, log, ref buffer, out int subDevice);
        return new PciDevice(slot, vendor, deviceId, subVendor, subDevice);
    }

    private static bool TryReadHex(HostRoot root, string hostDevice, string name, bool required, DiagnosticLog log, ref byte[] buffer, out int value)
    {
        value = PciHex.Unknown;
        string hostPath = hostDevice + "/" + name;
        string realPath = root.RealPathOf(hostPath);
        if (!root.TryReadAttribute(hostPath, MaxAttributeBytes, ref buffer, out int length, out Failure? failure))
        {
            if (required || failure.Errno != Errno.ENOENT)
            {
                log.Warn(realPath, failure.DetailAt(realPath));
            }

            return false;
        }

        if (!PciHex.TryParse(buffer.AsSpan(0, length).Trim("\n\r\t "u8), out value))
        {
            log.Warn(realPath, "not a 16-bit hex number");
            value = PciHex.Unknown;
            return false;
        }

        return true;
    }

    private static string ShortSlot(string name) => name.StartsWith("0000:", StringComparison.Ordinal) ? name[5..] : name;
}
