using System.Text;
using BenchmarkDotNet.Attributes;
using CommunityToolkit.HighPerformance.Buffers;
using Dmv.Core.Catalog;
using Dmv.Core.Elf;
using Dmv.Fixtures;

namespace Dmv.Bench;

/// <summary>The per-file work of a listing: one info.json parsed, one /sys/module note file walked.</summary>
[MemoryDiagnoser]
public class CatalogBenchmarks
{
    private byte[] _info = [];
    private byte[] _notes = [];
    private readonly StringPool _strings = new(256);

    [GlobalSetup]
    public void Setup()
    {
        _info = Encoding.UTF8.GetBytes("""
            {"category": "network", "name": "intel-ice", "description": "Intel E810 driver",
             "variant": "dell", "version": "1.15.5", "priority": 40, "status": "production",
             "pci_ids": {"ice.ko": [{"vendor_id": "8086", "device_id": "1592", "subvendor_id": "1028", "subdevice_id": "*"},
                                    {"vendor_id": "8086", "device_id": "159B", "subvendor_id": "1028", "subdevice_id": "*"}],
                         "irdma.ko": [{"vendor_id": "8086", "device_id": "1592", "subvendor_id": "*", "subdevice_id": "*"}]}}
            """);
        _notes = [.. NoteWriter.GnuBuildId(new Random(1)), .. NoteWriter.Note("Linux", 1, [1, 2, 3, 4]), .. NoteWriter.XenServerVariant("dell")];
    }

    [Benchmark]
    public object? ParseInfoJson()
    {
        InfoJsonParser.TryParse(_info, _strings, out VariantInfo? info, out _);
        return info;
    }

    [Benchmark]
    public string FindXenServerNote()
    {
        XenServerNote.TryFindVariant(_notes, out string variant, out _);
        return variant;
    }
}
