using System.Text;
using CommunityToolkit.HighPerformance.Buffers;
using Dmv.Core.Catalog;
using Dmv.Core.Pci;

namespace Dmv.Core.Tests.Catalog;

public class InfoJsonParserTests
{
    private const string Valid = """
        {"category": "network", "name": "intel-ice", "description": "Intel E810 driver",
         "variant": "dell", "version": "1.15.5", "priority": 40, "status": "production",
         "pci_ids": {"ice.ko": [{"vendor_id": "8086", "device_id": "1592",
                                 "subvendor_id": "1028", "subdevice_id": "*"}]}}
        """;

    private static (bool Ok, VariantInfo? Info, string Reason) Parse(string json)
    {
        bool ok = InfoJsonParser.TryParse(Encoding.UTF8.GetBytes(json), new StringPool(), out VariantInfo? info, out string reason);
        return (ok, info, reason);
    }

    [Fact]
    public void Reads_the_contract_example()
    {
        var (ok, info, _) = Parse(Valid);

        Assert.True(ok);
        Assert.Equal("intel-ice", info!.Driver);
        Assert.Equal("dell", info.Variant);
        Assert.Equal("network", info.Category);
        Assert.Equal("40", info.Priority.Text);
        ModulePciIds module = Assert.Single(info.PciIds);
        Assert.Equal("ice.ko", module.Module);
        Assert.Equal(new PciId(0x8086, 0x1592, 0x1028, PciHex.Wildcard), Assert.Single(module.Ids));
    }

    [Theory]
    [InlineData("40.50", 40.5)]
    [InlineData("1e2", 100)]
    [InlineData("-3", -3)]
    public void Priority_keeps_the_number_as_written(string written, double value)
    {
        var (ok, info, _) = Parse(Valid.Replace("\"priority\": 40", $"\"priority\": {written}"));

        Assert.True(ok);
        Assert.Equal(written, info!.Priority.Text);
        Assert.Equal(value, info.Priority.Value);
    }

    [Theory]
    [InlineData("category")]
    [InlineData("name")]
    [InlineData("description")]
    [InlineData("variant")]
    [InlineData("version")]
    [InlineData("priority")]
    [InlineData("status")]
    [InlineData("pci_ids")]
    public void A_missing_key_is_named(string key)
    {
        var document = System.Text.Json.Nodes.JsonNode.Parse(Valid)!.AsObject();
        document.Remove(key);

        var (ok, _, reason) = Parse(document.ToJsonString());

        Assert.False(ok);
        Assert.Equal($"missing key '{key}'", reason);
    }

    [Theory]
    [InlineData("\"priority\": 40", "\"priority\": \"40\"", "'priority' is a string, not a number")]
    [InlineData("\"name\": \"intel-ice\"", "\"name\": 7", "'name' is a number, not a string")]
    [InlineData("\"status\": \"production\"", "\"status\": null", "'status' is null, not a string")]
    [InlineData("\"device_id\": \"1592\"", "\"device_id\": \"15g2\"", "'pci_ids.ice.ko[0].device_id' is \"15g2\", neither \"*\" nor a 16-bit hex number")]
    [InlineData("\"subdevice_id\": \"*\"", "\"subdevice_i\": \"*\"", "'pci_ids.ice.ko[0]' has no 'subdevice_id'")]
    [InlineData("\"name\": \"intel-ice\"", "\"name\": \"\"", "'name' is empty")]
    public void A_wrong_type_is_explained(string from, string to, string reason)
    {
        var (ok, _, actual) = Parse(Valid.Replace(from, to));

        Assert.False(ok);
        Assert.Equal(reason, actual);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("{")]
    [InlineData("{\"name\": \"x\",}")]
    [InlineData("\u0000\u0001garbage")]
    public void Broken_json_is_a_reason_not_an_exception(string text)
    {
        var (ok, _, reason) = Parse(text);

        Assert.False(ok);
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public void Text_after_the_object_is_refused()
    {
        var (ok, _, reason) = Parse(Valid + " {}");

        Assert.False(ok);
        Assert.Contains("JSON", reason);
    }

    [Fact]
    public void Unknown_keys_are_ignored()
    {
        var (ok, _, _) = Parse(Valid.Replace("\"status\"", "\"extra\": {\"a\": [1, 2]}, \"status\""));

        Assert.True(ok);
    }
}
