using System.Diagnostics.CodeAnalysis;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Pci;

/// <summary>
/// Reads the PCI devices from sysfs: no lspci process, and available in an initrd. Each device's
/// <c>uevent</c> gives its four ids in one read; where it lacks them, the separate
/// <c>vendor</c>, <c>device</c>, <c>subsystem_vendor</c> and <c>subsystem_device</c> files are read.
/// </summary>
public static class SysfsPciReader
{
    public const string DevicesDirectory = "/sys/bus/pci/devices";
    private const int MaxAttributeBytes = 64;
    private const int MaxUeventBytes = 4096;

    public static List<PciDevice> Read(HostRoot root, DiagnosticLog log)
    {
        var devices = new List<PciDevice>();
        PathResolution directory = root.Resolve(DevicesDirectory);
        if (!directory.Succeeded)
        {
            log.Warn(root.RealPathOf(DevicesDirectory), $"{Errno.Describe(directory.Errno)}; no PCI hardware is known, every variant is listed without hardware");
            return devices;
        }

        var entries = new List<DirectoryEntry>();
        if (!DirectoryReader.TryList(directory.RealPath!, entries, out _, out string listError))
        {
            log.Warn(directory.RealPath!, $"{listError}; no PCI hardware is known");
            return devices;
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        string hostDirectory = root.HostPathOf(directory.RealPath!);
        byte[] buffer = new byte[512];
        using RootReads reads = root.OpenForReads();
        foreach (DirectoryEntry entry in entries)
        {
            string path = directory.RealPath + "/" + entry.Name;
            if (!entry.IsUsable(directory.RealPath, log))
            {
                continue;
            }

            string slot = ShortSlot(entry.Name);
            if (TryReadUeventInRoot(root, reads, hostDirectory + "/" + entry.Name + "/uevent", slot, ref buffer, out PciDevice? fromUevent))
            {
                devices.Add(fromUevent);
                continue;
            }

            PathResolution device = root.ResolveFrom(hostDirectory, entry.Name);
            if (!device.Succeeded)
            {
                log.Warn(path, device.Reason ?? Errno.Describe(device.Errno));
                continue;
            }

            // A sysfs attribute hands over its whole text in the first read, so a short read is its end.
            string hostDevice = root.HostPathOf(device.RealPath!);
            if (root.TryReadFile(hostDevice, "uevent", MaxUeventBytes, ref buffer, out int length, out _, out _)
                && PciUevent.TryParse(buffer.AsSpan(0, length), out int vendor, out int deviceId, out int subVendor, out int subDevice))
            {
                devices.Add(new PciDevice(slot, vendor, deviceId, subVendor, subDevice));
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

    /// <summary>
    /// The usual case in one open: the kernel follows the device's link below the root (openat2),
    /// where resolving it here first costs a readlink per step. Any failure (no openat2, a link that
    /// is absolute or climbs, a missing or odd uevent) is left to the resolving path, which gives the
    /// same answer or reports why not.
    /// </summary>
    private static bool TryReadUeventInRoot(HostRoot root, RootReads reads, string hostPath, string slot, ref byte[] buffer, [NotNullWhen(true)] out PciDevice? device)
    {
        device = null;
        int descriptor = root.OpenFileBeneathRoot(reads, hostPath, out _);
        if (descriptor < 0
            || !FileContent.ReadAll(descriptor, MaxUeventBytes, ref buffer, out int length, out _, regularFile: true)
            || !PciUevent.TryParse(buffer.AsSpan(0, length), out int vendor, out int deviceId, out int subVendor, out int subDevice))
        {
            return false;
        }

        device = new PciDevice(slot, vendor, deviceId, subVendor, subDevice);
        return true;
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
        string realPath = root.RealPathOf(hostDevice) + "/" + name;
        if (!root.TryReadFile(hostDevice, name, MaxAttributeBytes, ref buffer, out int length, out int errno, out string? reason))
        {
            if (required || errno != Errno.ENOENT)
            {
                log.Warn(realPath, errno == Errno.EFBIG ? $"larger than {MaxAttributeBytes} bytes" : errno == Errno.EXDEV && reason is not null ? reason : Errno.Describe(errno));
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
