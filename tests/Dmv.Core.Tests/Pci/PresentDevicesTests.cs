using Dmv.Core.Pci;
using Dmv.Fixtures;

namespace Dmv.Core.Tests.Pci;

public class PresentDevicesTests
{
    private static PciId Id(string vendor, string device, string subVendor, string subDevice)
    {
        Assert.True(PciHex.TryParseIdField(vendor, out int v));
        Assert.True(PciHex.TryParseIdField(device, out int d));
        Assert.True(PciHex.TryParseIdField(subVendor, out int sv));
        Assert.True(PciHex.TryParseIdField(subDevice, out int sd));
        return new PciId(v, d, sv, sd);
    }

    [Fact]
    public void Wildcards_match_any_value()
    {
        var devices = new PresentDevices([new PciDevice("01:00.0", 0x8086, 0x1592, 0x1028, 0x0001)]);

        Assert.True(devices.Matches(Id("8086", "1592", "1028", "*")));
        Assert.True(devices.Matches(Id("8086", "1592", "*", "*")));
        Assert.True(devices.Matches(Id("*", "*", "*", "*")));
        Assert.False(devices.Matches(Id("8086", "1592", "103c", "*")));
        Assert.False(devices.Matches(Id("8086", "1593", "*", "*")));
    }

    [Fact]
    public void Hex_case_does_not_matter()
    {
        // Defect 4: xcp.dmv compared the strings, so "159B" never matched lspci's "159b".
        var devices = new PresentDevices([new PciDevice("01:00.0", 0x8086, 0x159b, 0x1028, 0xabcd)]);

        Assert.True(devices.Matches(Id("8086", "159B", "1028", "ABCD")));
        Assert.True(devices.Matches(Id("0x8086", "0X159b", "*", "AbCd")));
    }

    [Fact]
    public void An_unknown_subsystem_matches_only_a_wildcard()
    {
        var devices = new PresentDevices([new PciDevice("00:00.0", 0x8086, 0x0d57, PciHex.Unknown, PciHex.Unknown)]);

        Assert.True(devices.Matches(Id("8086", "0d57", "*", "*")));
        Assert.False(devices.Matches(Id("8086", "0d57", "0000", "*")));
    }

    [Fact]
    public void The_hash_set_agrees_with_the_plain_rule_on_random_data()
    {
        var random = new Random(7);
        string[] values = ["8086", "14e4", "1028", "103c", "0001", "ffff"];
        string Pick(bool wildcard) => wildcard && random.Next(3) == 0 ? "*" : values[random.Next(values.Length)];
        for (int round = 0; round < 200; round++)
        {
            var raw = new List<string?[]>();
            for (int i = random.Next(0, 12); i > 0; i--)
            {
                bool unknown = random.Next(5) == 0;
                raw.Add([Pick(false), Pick(false), unknown ? null : Pick(false), unknown ? null : Pick(false)]);
            }

            var devices = new PresentDevices(raw.Select((r, i) => new PciDevice($"{i:x2}:00.0", Hex(r[0]), Hex(r[1]), Hex(r[2]), Hex(r[3]))));
            for (int probe = 0; probe < 30; probe++)
            {
                string[] id = [Pick(true), Pick(true), Pick(true), Pick(true)];
                bool expected = raw.Any(r => HostTreeGenerator.Matches(id, r[0]!, r[1]!, r[2], r[3]));
                Assert.Equal(expected, devices.Matches(Id(id[0], id[1], id[2], id[3])));
            }
        }
    }

    private static int Hex(string? text)
    {
        if (text is null)
        {
            return PciHex.Unknown;
        }

        Assert.True(PciHex.TryParse(text, out int value));
        return value;
    }
}
