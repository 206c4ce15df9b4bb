namespace Dmv.Core.Pci;

/// <summary>
/// Reads a PCI device's identity from its sysfs <c>uevent</c> text (<c>PCI_ID=8086:1592</c>,
/// <c>PCI_SUBSYS_ID=1028:0001</c>): the kernel fills it from the same fields as the separate
/// vendor/device/subsystem files, and one read replaces four.
/// </summary>
internal static class PciUevent
{
    public static bool TryParse(ReadOnlySpan<byte> text, out int vendor, out int device, out int subVendor, out int subDevice)
    {
        vendor = device = PciHex.Unknown;
        subVendor = subDevice = PciHex.Unknown;
        bool haveId = false;
        while (!text.IsEmpty)
        {
            int end = text.IndexOf((byte)'\n');
            ReadOnlySpan<byte> line = end < 0 ? text : text[..end];
            text = end < 0 ? default : text[(end + 1)..];
            if (line.StartsWith("PCI_ID="u8))
            {
                haveId = TryPair(line["PCI_ID="u8.Length..], out vendor, out device);
            }
            else if (line.StartsWith("PCI_SUBSYS_ID="u8) && !TryPair(line["PCI_SUBSYS_ID="u8.Length..], out subVendor, out subDevice))
            {
                subVendor = subDevice = PciHex.Unknown;
            }
        }

        return haveId;
    }

    private static bool TryPair(ReadOnlySpan<byte> value, out int first, out int second)
    {
        first = second = PciHex.Unknown;
        int colon = value.IndexOf((byte)':');
        return colon > 0
            && PciHex.TryParse(value[..colon], out first)
            && PciHex.TryParse(value[(colon + 1)..], out second);
    }
}
