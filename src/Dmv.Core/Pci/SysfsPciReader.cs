using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Pci;

/// <summary>
/// Reads the PCI devices from <c>/sys/bus/pci/devices/*/{vendor,device,subsystem_vendor,subsystem_device,class}</c>:
/// no lspci process, and available in an initrd.
/// </summary>
public static class SysfsPciReader
{
    public const string DevicesDirectory = "/sys/bus/pci/devices";

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
        byte[] buffer = new byte[64];
        foreach (DirectoryEntry entry in entries)
        {
            if (!entry.NameIsValid)
            {
                log.Warn(Path.Combine(directory.RealPath!, entry.Name), "name is not valid UTF-8; skipped");
                continue;
            }

            PathResolution device = root.ResolveFrom(hostDirectory, entry.Name);
            if (!device.Succeeded)
            {
                log.Warn(Path.Combine(directory.RealPath!, entry.Name), device.Reason ?? Errno.Describe(device.Errno));
                continue;
            }

            string real = device.RealPath!;
            if (!TryReadHex(real, "vendor", required: true, log, ref buffer, out int vendor)
                || !TryReadHex(real, "device", required: true, log, ref buffer, out int deviceId))
            {
                continue;
            }

            TryReadHex(real, "subsystem_vendor", required: false, log, ref buffer, out int subVendor);
            TryReadHex(real, "subsystem_device", required: false, log, ref buffer, out int subDevice);
            TryReadHex(real, "class", required: false, log, ref buffer, out int deviceClass, classField: true);
            devices.Add(new PciDevice(ShortSlot(entry.Name), deviceClass, vendor, deviceId, subVendor, subDevice));
        }

        return devices;
    }

    private static bool TryReadHex(string deviceDirectory, string name, bool required, DiagnosticLog log, ref byte[] buffer, out int value, bool classField = false)
    {
        value = PciHex.Unknown;
        string path = deviceDirectory + "/" + name;
        if (!FileContent.TryRead(path, 64, ref buffer, out int length, out int errno, out string reason))
        {
            if (required || errno != Errno.ENOENT)
            {
                log.Warn(path, reason);
            }

            return false;
        }

        ReadOnlySpan<byte> text = buffer.AsSpan(0, length).Trim("\n\r\t "u8);
        if (classField && text.Length == 8)
        {
            // "0x020000": class, subclass, programming interface; keep class and subclass like lspci's "0200".
            text = text[..6];
        }

        if (!PciHex.TryParse(text, out value))
        {
            log.Warn(path, "not a 16-bit hex number");
            value = PciHex.Unknown;
            return false;
        }

        return true;
    }

    private static string ShortSlot(string name) => name.StartsWith("0000:", StringComparison.Ordinal) ? name[5..] : name;
}
