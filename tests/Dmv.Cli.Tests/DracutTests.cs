using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// The dracut module with Debian's real dracut: the initrd holds driver-tool, the kernel's DMV
/// catalog and the pre-udev hook; run from the unpacked initrd (chrooted, with the initrd's own
/// shell and libraries) against a PCI device like QEMU's e1000e, the hook selects the matching
/// variant and leaves the listing in /run/driver-tool/boot.json.
/// </summary>
public class DracutTests
{
    [Fact]
    public void The_initrd_holds_driver_tool_the_catalog_and_the_hook_which_selects_at_boot()
    {
        using E1000eInitrd initrd = E1000eInitrd.Create(variantNote: false);
        initrd.Build();

        string listing = E1000eInitrd.Run(null, "lsinitrd", initrd.Image).Stdout;
        foreach (string expected in new[] { "usr/sbin/driver-tool", "dmv/intel-e1000e/qemu/info.json", "dmv/intel-e1000e/qemu/e1000e.ko", "hooks/pre-udev/40-driver-tool-boot.sh", "sbin/depmod" })
        {
            Assert.Contains(expected, listing);
        }

        string unpacked = Path.Combine(initrd.Work, "unpacked");
        Directory.CreateDirectory(unpacked);
        E1000eInitrd.Run(null, "bash", "-c", $"cd {unpacked} && lsinitrd --unpack {initrd.Image}");
        Directory.CreateDirectory(Path.Combine(unpacked, "sys/bus/pci/devices/0000:00:03.0"));
        File.WriteAllText(Path.Combine(unpacked, "sys/bus/pci/devices/0000:00:03.0/uevent"), "PCI_ID=8086:10D3\nPCI_SUBSYS_ID=8086:0000\n");
        Directory.CreateDirectory(Path.Combine(unpacked, "run"));
        E1000eInitrd.Run(null, "chroot", unpacked, "/bin/sh", "-c", ". /usr/lib/dracut/hooks/pre-udev/40-driver-tool-boot.sh");

        JsonElement driver = JsonDocument.Parse(File.ReadAllText(Path.Combine(unpacked, "run/driver-tool/boot.json"))).RootElement.GetProperty("drivers").GetProperty(E1000eInitrd.Driver);
        Assert.Equal(E1000eInitrd.Variant, driver.GetProperty("selected").GetString());
        Assert.True(driver.GetProperty("variants").GetProperty(E1000eInitrd.Variant).GetProperty("hardware_present").GetBoolean());
        Assert.Equal("../dmv/intel-e1000e/qemu/e1000e.ko", new FileInfo(Path.Combine(unpacked, $"usr/lib/modules/{initrd.Release}/updates/e1000e.ko")).LinkTarget);
    }
}
