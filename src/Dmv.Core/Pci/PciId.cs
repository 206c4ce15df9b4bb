namespace Dmv.Core.Pci;

/// <summary>A catalog PCI id from info.json; each field is 0..0xffff or <see cref="PciHex.Wildcard"/>.</summary>
internal readonly record struct PciId(int Vendor, int Device, int SubVendor, int SubDevice)
{
    public override string ToString() =>
        $"{PciHex.Format(Vendor)}:{PciHex.Format(Device)} {PciHex.Format(SubVendor)}:{PciHex.Format(SubDevice)}";
}
