using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Listing;
using Dmv.Core.Pci;
using Dmv.Fixtures;

namespace Dmv.Core.Tests.Listing;

/// <summary>The defects of xcp.dmv listed in the contract, each on a tree built by hand to show it.</summary>
public class KnownDefectTests
{
    private static string Info(string driver, string variant, string version, string module, string ids = "{\"vendor_id\": \"8086\", \"device_id\": \"1592\", \"subvendor_id\": \"*\", \"subdevice_id\": \"*\"}") =>
        $$$"""
        {"category": "network", "name": "{{{driver}}}", "description": "d", "variant": "{{{variant}}}",
         "version": "{{{version}}}", "priority": 10, "status": "production",
         "pci_ids": {"{{{module}}}": [{{{ids}}}]}}
        """;

    private static DriverListing List(TempDirectory temp, DiagnosticLog log, string? running = null, IEnumerable<PciDevice>? devices = null)
    {
        Assert.True(HostRoot.TryOpen(temp.Path, out HostRoot? root, out _));
        return DriverListingBuilder.Build(root, new ListingOptions(new PresentDevices(devices ?? []), running), log);
    }

    [Fact]
    public void Defect_1_and_5_active_is_found_for_a_hyphenated_module_with_a_spec_note()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("lib/modules/6.1/dmv/foo/v1/info.json", Info("foo", "v1", "1.0", "foo-bar.ko"));
        temp.WriteFile("sys/module/foo_bar/notes/.note.XenServer", NoteWriter.XenServerVariant("v1", countNul: true));
        var log = new DiagnosticLog();

        DriverEntry driver = Assert.Single(List(temp, log).Drivers);

        Assert.Equal("v1", driver.Active);
        Assert.Equal(["foo-bar.ko"], driver.LoadedModules);
        Assert.Empty(log.Entries);
    }

    [Fact]
    public void Defect_2_a_short_note_file_does_not_break_the_listing()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("lib/modules/6.1/dmv/foo/v1/info.json", Info("foo", "v1", "1.0", "foo.ko"));
        temp.WriteFile("sys/module/foo/notes/.note.XenServer", NoteWriter.XenServerVariant("v1"));
        var log = new DiagnosticLog();

        Assert.Equal("v1", Assert.Single(List(temp, log).Drivers).Active);
    }

    [Fact]
    public void Defect_3_loaded_modules_lists_each_module_once()
    {
        using var temp = new TempDirectory();
        foreach (string kernel in new[] { "6.1", "6.2" })
        {
            temp.WriteFile($"lib/modules/{kernel}/dmv/foo/v1/info.json", Info("foo", "v1", "1.0", "foo.ko"));
            temp.WriteFile($"lib/modules/{kernel}/dmv/foo/v2/info.json", Info("foo", "v2", "2.0", "foo.ko"));
        }

        temp.WriteFile("sys/module/foo/notes/.note.XenServer", NoteWriter.XenServerVariant("v2"));
        var log = new DiagnosticLog();

        Assert.Equal(["foo.ko"], Assert.Single(List(temp, log).Drivers).LoadedModules);
    }

    [Fact]
    public void Defect_4_upper_case_catalog_ids_match_present_hardware()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("lib/modules/6.1/dmv/foo/v1/info.json", Info("foo", "v1", "1.0", "foo.ko", "{\"vendor_id\": \"8086\", \"device_id\": \"159B\", \"subvendor_id\": \"1028\", \"subdevice_id\": \"*\"}"));
        var log = new DiagnosticLog();

        DriverEntry driver = Assert.Single(List(temp, log, devices: [new PciDevice("01:00.0", 0x8086, 0x159b, 0x1028, 0x1)]).Drivers);

        Assert.True(driver.Variants[0].HardwarePresent);
    }

    [Fact]
    public void Defect_6_the_running_kernel_decides_then_the_newest()
    {
        using var temp = new TempDirectory();
        foreach ((string kernel, string selected) in new[] { ("6.1", "v1"), ("6.10", "v2"), ("6.2", "v3") })
        {
            foreach (string variant in new[] { "v1", "v2", "v3" })
            {
                temp.WriteFile($"lib/modules/{kernel}/dmv/foo/{variant}/foo.ko", "x");
                temp.WriteFile($"lib/modules/{kernel}/dmv/foo/{variant}/info.json", Info("foo", variant, "1.0", "foo.ko"));
            }

            temp.Link($"lib/modules/{kernel}/updates/foo.ko", $"../dmv/foo/{selected}/foo.ko");
        }

        Assert.Equal("v2", Assert.Single(List(temp, new DiagnosticLog()).Drivers).Selected);
        Assert.Equal("v3", Assert.Single(List(temp, new DiagnosticLog(), running: "6.2").Drivers).Selected);
    }

    [Fact]
    public void Defect_7_a_module_in_a_sub_folder_still_finds_its_variant()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("lib/modules/6.1/dmv/foo/dell/info.json", Info("foo", "dell", "1.0", "foo.ko"));
        temp.WriteFile("lib/modules/6.1/dmv/foo/dell/drivers/net/ethernet/foo.ko", "x");
        temp.Link("lib/modules/6.1/updates/foo.ko", "/lib/modules/6.1/dmv/foo/dell/drivers/net/ethernet/foo.ko");
        var log = new DiagnosticLog();

        Assert.Equal("dell", Assert.Single(List(temp, log).Drivers).Selected);
        Assert.Empty(log.Entries);
    }

    [Fact]
    public void Defect_10_reboot_is_reported_when_the_selection_differs_from_what_is_loaded()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("lib/modules/6.1/dmv/foo/v1/info.json", Info("foo", "v1", "1.0", "foo.ko"));
        temp.WriteFile("lib/modules/6.1/dmv/foo/v2/info.json", Info("foo", "v2", "2.0", "foo.ko"));
        temp.WriteFile("lib/modules/6.1/dmv/foo/v2/foo.ko", "x");
        temp.WriteFile("sys/module/foo/notes/.note.XenServer", NoteWriter.XenServerVariant("v1"));
        temp.Link("lib/modules/6.1/updates/foo.ko", "../dmv/foo/v2/foo.ko");

        DriverListing pending = List(temp, new DiagnosticLog(), running: "6.1");
        Assert.True(pending.RebootRequired);

        File.Delete(temp.Combine("lib/modules/6.1/updates/foo.ko"));
        temp.Link("lib/modules/6.1/updates/foo.ko", "../dmv/foo/v1/foo.ko");
        temp.WriteFile("lib/modules/6.1/dmv/foo/v1/foo.ko", "x");
        Assert.False(List(temp, new DiagnosticLog(), running: "6.1").RebootRequired);
    }

    [Fact]
    public void A_note_naming_the_version_matches_the_variant_with_that_version()
    {
        using var temp = new TempDirectory();
        temp.WriteFile("lib/modules/6.1/dmv/foo/v1/info.json", Info("foo", "v1", "1.0", "foo.ko"));
        temp.WriteFile("lib/modules/6.1/dmv/foo/v2/info.json", Info("foo", "v2", "2.0", "foo.ko"));
        temp.WriteFile("sys/module/foo/notes/.note.XenServer", NoteWriter.XenServerVariant("2.0"));

        Assert.Equal("v2", Assert.Single(List(temp, new DiagnosticLog()).Drivers).Active);
    }

    [Fact]
    public void A_half_switched_driver_is_reported()
    {
        using var temp = new TempDirectory();
        foreach (string variant in new[] { "v1", "v2" })
        {
            temp.WriteFile($"lib/modules/6.1/dmv/foo/{variant}/info.json", Info("foo", variant, "1.0", "a.ko"));
            temp.WriteFile($"lib/modules/6.1/dmv/foo/{variant}/a.ko", "x");
            temp.WriteFile($"lib/modules/6.1/dmv/foo/{variant}/b.ko", "x");
        }

        temp.Link("lib/modules/6.1/updates/a.ko", "../dmv/foo/v1/a.ko");
        temp.Link("lib/modules/6.1/updates/b.ko", "../dmv/foo/v2/b.ko");
        var log = new DiagnosticLog();

        List(temp, log);

        Assert.Contains(log.Entries, d => d.Reason.Contains("half switched"));
    }
}
