namespace Dmv.Core.Pci;

/// <summary>
/// The PCI devices of the machine, expanded once over the 16 wildcard combinations of their
/// four fields, so that matching a catalog id costs one hash lookup instead of a pass over
/// every device. A field the device does not report ("" from lspci) only matches "*".
/// </summary>
internal sealed class PresentDevices
{
    private readonly Dictionary<PciMatchKey, int> _firstDeviceByKey;
    private readonly List<PciDevice> _devices;

    public PresentDevices(IEnumerable<PciDevice> devices)
    {
        _devices = new List<PciDevice>(devices);
        _firstDeviceByKey = new Dictionary<PciMatchKey, int>(_devices.Count * 16);
        for (int index = 0; index < _devices.Count; index++)
        {
            Add(index, _devices[index]);
        }
    }

    public static PresentDevices None { get; } = new(Array.Empty<PciDevice>());


    public bool Matches(PciId id) => _firstDeviceByKey.ContainsKey(PciMatchKey.Of(id));

    /// <summary>The first present device the id matches, or null.</summary>
    public PciDevice? FirstMatch(PciId id) =>
        _firstDeviceByKey.TryGetValue(PciMatchKey.Of(id), out int index) ? _devices[index] : null;

    private void Add(int index, PciDevice device)
    {
        Span<int> fields = [device.Vendor, device.Device, device.SubVendor, device.SubDevice];
        Span<int> masked = stackalloc int[4];
        for (int mask = 0; mask < 16; mask++)
        {
            bool usable = true;
            for (int field = 0; field < 4; field++)
            {
                bool wildcard = (mask & (1 << field)) != 0;
                if (!wildcard && fields[field] < 0)
                {
                    usable = false;
                    break;
                }

                masked[field] = wildcard ? PciHex.Wildcard : fields[field];
            }

            if (usable)
            {
                _firstDeviceByKey.TryAdd(PciMatchKey.Of(masked[0], masked[1], masked[2], masked[3]), index);
            }
        }
    }
}
