using BenchmarkDotNet.Attributes;
using Dmv.Core.Pci;

namespace Dmv.Bench;

/// <summary>
/// Matching every catalog id of a 3 × 200 × 3 host against 120 present devices: the precomputed
/// wildcard set against the nested loop xcp.dmv runs (every id against every device).
/// </summary>
[MemoryDiagnoser]
public class PciMatchBenchmarks
{
    private PciDevice[] _devices = [];
    private PciId[] _ids = [];
    private PresentDevices _present = PresentDevices.None;

    [GlobalSetup]
    public void Setup()
    {
        var random = new Random(1);
        int[] vendors = [0x8086, 0x14e4, 0x15b3, 0x1077, 0x10df];
        _devices = Enumerable.Range(0, 120)
            .Select(i => new PciDevice($"{i:x2}:00.0", vendors[random.Next(vendors.Length)], random.Next(0x1000, 0xffff), random.Next(0, 0xffff), random.Next(0, 0xffff)))
            .ToArray();
        _ids = Enumerable.Range(0, 200 * 3 * 2)
            .Select(i => i % 7 == 0
                ? new PciId(_devices[i % 120].Vendor, _devices[i % 120].Device, PciHex.Wildcard, PciHex.Wildcard)
                : new PciId(vendors[random.Next(vendors.Length)], random.Next(0x1000, 0xffff), random.Next(3) == 0 ? PciHex.Wildcard : 0x1028, PciHex.Wildcard))
            .ToArray();
        _present = new PresentDevices(_devices);
    }

    [Benchmark(Baseline = true)]
    public int NestedLoop()
    {
        int matches = 0;
        foreach (PciId id in _ids)
        {
            foreach (PciDevice device in _devices)
            {
                if (Field(id.Vendor, device.Vendor) && Field(id.Device, device.Device) && Field(id.SubVendor, device.SubVendor) && Field(id.SubDevice, device.SubDevice))
                {
                    matches++;
                    break;
                }
            }
        }

        return matches;
    }

    [Benchmark]
    public int WildcardSet()
    {
        int matches = 0;
        foreach (PciId id in _ids)
        {
            if (_present.Matches(id))
            {
                matches++;
            }
        }

        return matches;
    }

    [Benchmark]
    public object BuildSet() => new PresentDevices(_devices);

    private static bool Field(int catalog, int present) => catalog == PciHex.Wildcard || catalog == present;
}
