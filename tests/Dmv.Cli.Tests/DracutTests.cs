using System.Diagnostics;
using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// The dracut module with Debian's real dracut: an initrd for Debian's kernel holds driver-tool, the
/// kernel's DMV catalog and the pre-udev hook; run from the unpacked initrd (chrooted, with the
/// initrd's own shell and libraries) against a PCI device like QEMU's e1000e, the hook selects the
/// matching variant and leaves the listing in /run/driver-tool/boot.json.
/// </summary>
public class DracutTests
{
    private static ProcessResult Run(IReadOnlyDictionary<string, string>? environment, params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        ProcessResult result = DriverTool.Execute(start, null);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result}");
        return result;
    }

    [Fact]
    public void The_initrd_holds_driver_tool_the_catalog_and_the_hook_which_selects_at_boot()
    {
        string release = DebianKernel.Release;
        string work = Path.Combine(Path.GetTempPath(), "dmv-dracut-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // A kernel tree with the in-tree e1000e and one DMV variant of it, depmod'ed with driver-tool's exclusion.
            string modules = Path.Combine(work, $"root/lib/modules/{release}");
            string inTree = Path.Combine(modules, DebianKernel.InTree("e1000e.ko"));
            Directory.CreateDirectory(Path.GetDirectoryName(inTree)!);
            File.Copy(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko")), inTree);
            foreach (string file in new[] { "modules.order", "modules.builtin", "modules.builtin.modinfo" })
            {
                File.Copy(Path.Combine(DebianKernel.ModulesDirectory, file), Path.Combine(modules, file));
            }

            string variant = Path.Combine(modules, "dmv/intel-e1000e/qemu");
            Directory.CreateDirectory(variant);
            File.Copy(inTree, Path.Combine(variant, "e1000e.ko"));
            File.WriteAllText(Path.Combine(variant, "info.json"), """
                {"category": "network", "name": "intel-e1000e", "description": "e1000e for QEMU's 82574L", "variant": "qemu",
                 "version": "1.0", "priority": 10, "status": "production",
                 "pci_ids": {"e1000e.ko": [{"vendor_id": "8086", "device_id": "10d3", "subvendor_id": "*", "subdevice_id": "*"}]}}
                """);
            string config = Path.Combine(work, "root/etc/depmod.d");
            Directory.CreateDirectory(config);
            File.Copy(Path.Combine(ToolPaths.RepositoryRoot, "dist/depmod.d/driver-tool.conf"), Path.Combine(config, "driver-tool.conf"));
            Run(null, "depmod", "-b", Path.Combine(work, "root"), "-C", config, release);

            // dracut's own module tree, copied, with ours added: the machine's /usr/lib/dracut is left alone.
            string dracut = Path.Combine(work, "dracut");
            Run(null, "cp", "-a", "/usr/lib/dracut", dracut);
            Run(null, "cp", "-a", Path.Combine(ToolPaths.RepositoryRoot, "dist/dracut/90driver-tool"), Path.Combine(dracut, "modules.d/"));
            string image = Path.Combine(work, "initrd.img");
            Run(new Dictionary<string, string> { ["dracutbasedir"] = dracut, ["DRIVER_TOOL_BINARY"] = ToolPaths.DriverTool },
                "dracut", "--no-hostonly", "--kver", release, "--kmoddir", modules, "-m", "base driver-tool", "--no-early-microcode", "--force", image);

            string listing = Run(null, "lsinitrd", image).Stdout;
            foreach (string expected in new[] { "usr/sbin/driver-tool", "dmv/intel-e1000e/qemu/info.json", "dmv/intel-e1000e/qemu/e1000e.ko", "hooks/pre-udev/40-driver-tool-boot.sh", "sbin/depmod" })
            {
                Assert.Contains(expected, listing);
            }

            // Unpack it and run the hook inside, as the initrd's init would, with QEMU's e1000e present.
            string initrd = Path.Combine(work, "initrd");
            Directory.CreateDirectory(initrd);
            Run(null, "bash", "-c", $"cd {initrd} && lsinitrd --unpack {image}");
            Directory.CreateDirectory(Path.Combine(initrd, "sys/bus/pci/devices/0000:00:03.0"));
            File.WriteAllText(Path.Combine(initrd, "sys/bus/pci/devices/0000:00:03.0/uevent"), "PCI_ID=8086:10D3\nPCI_SUBSYS_ID=8086:0000\n");
            Directory.CreateDirectory(Path.Combine(initrd, "run"));
            Run(null, "chroot", initrd, "/bin/sh", "-c", ". /usr/lib/dracut/hooks/pre-udev/40-driver-tool-boot.sh");

            JsonElement driver = JsonDocument.Parse(File.ReadAllText(Path.Combine(initrd, "run/driver-tool/boot.json"))).RootElement.GetProperty("drivers").GetProperty("intel-e1000e");
            Assert.Equal("qemu", driver.GetProperty("selected").GetString());
            Assert.True(driver.GetProperty("variants").GetProperty("qemu").GetProperty("hardware_present").GetBoolean());
            Assert.Equal("../dmv/intel-e1000e/qemu/e1000e.ko", new FileInfo(Path.Combine(initrd, $"usr/lib/modules/{release}/updates/e1000e.ko")).LinkTarget);
        }
        finally
        {
            Run(null, "rm", "-rf", work);
        }
    }
}
