namespace Dmv.Core.Pci;

/// <summary>
/// Four PCI fields packed into one word, with a mask of the fields that are "any". A device is
/// entered once under each combination of its fields replaced by "any"; a catalog id is then
/// found with a single lookup of its own key.
/// </summary>
internal readonly record struct PciMatchKey(ulong Fields, byte WildcardMask)
{
    public static PciMatchKey Of(int vendor, int device, int subVendor, int subDevice)
    {
        ulong fields = 0;
        byte mask = 0;
        Span<int> values = [vendor, device, subVendor, subDevice];
        for (int i = 0; i < 4; i++)
        {
            fields <<= 16;
            if (values[i] < 0)
            {
                mask |= (byte)(1 << i);
            }
            else
            {
                fields |= (ushort)values[i];
            }
        }

        return new PciMatchKey(fields, mask);
    }

    public static PciMatchKey Of(PciId id) => Of(id.Vendor, id.Device, id.SubVendor, id.SubDevice);
}
