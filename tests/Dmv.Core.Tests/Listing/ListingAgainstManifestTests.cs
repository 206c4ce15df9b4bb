using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Listing;
using Dmv.Core.Pci;
using Dmv.Fixtures;

namespace Dmv.Core.Tests.Listing;

/// <summary>Generated trees of many shapes: the listing must say what the generator planted.</summary>
public class ListingAgainstManifestTests
{
    public static TheoryData<int, int, int, int, int> Shapes => new()
    {
        { 1, 1, 1, 1, 2 },
        { 2, 2, 4, 3, 8 },
        { 3, 3, 13, 3, 20 },
        { 4, 1, 9, 5, 0 },
        { 5, 4, 16, 2, 40 },
        { 6, 2, 40, 3, 60 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Listing_matches_the_planted_state(int seed, int kernels, int drivers, int variants, int devices)
    {
        using var temp = new TempDirectory();
        HostTreeManifest manifest = HostTreeGenerator.Write(temp.Path, new HostTreeSpec { Seed = seed, Kernels = kernels, Drivers = drivers, VariantsPerDriver = variants, PciDevices = devices });
        Assert.True(HostRoot.TryOpen(temp.Path, out HostRoot? root, out _));
        var log = new DiagnosticLog();
        var hardware = new PresentDevices(SysfsPciReader.Read(root, log));

        DriverListing listing = DriverListingBuilder.Build(root, new ListingOptions(hardware, runningKernel: null), log);

        Assert.Empty(log.Entries);
        Assert.Equal(manifest.Drivers.Select(d => d.Name).Order(StringComparer.Ordinal), listing.Drivers.Select(d => d.Name));
        foreach (ExpectedDriver expected in manifest.Drivers)
        {
            DriverEntry actual = listing.Drivers.Single(d => d.Name == expected.Name);
            Assert.Equal(expected.Category, actual.Type);
            Assert.Equal(expected.Description, actual.Description);
            Assert.Equal(expected.Variants.Select(v => v.Name).Order(StringComparer.Ordinal), actual.Variants.Select(v => v.Name));
            foreach (ExpectedVariant variant in expected.Variants)
            {
                VariantEntry entry = actual.Variant(variant.Name)!;
                Assert.Equal(variant.Version, entry.Version);
                Assert.Equal(variant.PriorityText, entry.Priority.Text);
                Assert.Equal(variant.Status, entry.Status);
                Assert.True(variant.HardwarePresent == entry.HardwarePresent, $"{expected.Name}/{variant.Name}: hardware_present");
            }

            string? expectedSelected = manifest.Kernels.Reverse().Select(k => expected.SelectedByKernel.GetValueOrDefault(k)).FirstOrDefault(s => s is not null);
            Assert.True(expectedSelected == actual.Selected, $"{expected.Name}: selected {actual.Selected}, expected {expectedSelected}");
            Assert.True(expected.Active == actual.Active, $"{expected.Name}: active {actual.Active}, expected {expected.Active}");
            Assert.Equal(expected.LoadedModules, actual.LoadedModules);

            Assert.True(expected.RebootPending == actual.RebootPending, $"{expected.Name}: reboot pending {actual.RebootPending}, the fixture planted {expected.RebootPending}");
        }
    }

    [Fact]
    public async Task Lspci_text_and_sysfs_give_the_same_hardware()
    {
        using var temp = new TempDirectory();
        HostTreeManifest manifest = HostTreeGenerator.Write(temp.Path, new HostTreeSpec { Seed = 11, Drivers = 12, PciDevices = 30 });
        Assert.True(HostRoot.TryOpen(temp.Path, out HostRoot? root, out _));
        var log = new DiagnosticLog();

        List<PciDevice> fromSysfs = SysfsPciReader.Read(root, log);
        List<PciDevice> fromLspci = (await LspciReader.ReadAsync(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(manifest.LspciText)), "lspci", log)).Devices;

        Assert.Empty(log.Entries);
        Assert.Equal(manifest.PciDeviceCount, fromSysfs.Count);
        Assert.Equal(fromLspci, fromSysfs);
    }
}
