namespace Dmv.Core.Pci;

/// <summary>A PCI function present in the machine. Subsystem fields may be <see cref="PciHex.Unknown"/>.</summary>
internal sealed record PciDevice(string Slot, int Vendor, int Device, int SubVendor, int SubDevice)
{
    public override string ToString() =>
        $"{Slot} {PciHex.Format(Vendor)}:{PciHex.Format(Device)} {PciHex.Format(SubVendor)}:{PciHex.Format(SubDevice)}";
}
