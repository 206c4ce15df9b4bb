using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// A real boot: Debian's kernel and a dracut initrd with driver-tool's module boot in QEMU (TCG,
/// so no /dev/kvm is needed) with an e1000e NIC. driver-tool's pre-udev hook selects the variant
/// for that NIC; udev then loads e1000e, which must come from the variant (updates/ wins); a
/// test-only module, at pre-mount, prints the hook's listing.json and a fresh listing to the serial
/// port and powers off. The fresh listing must show the variant active: the kernel's own
/// /sys/module/e1000e/notes/.note.XenServer names it.
/// </summary>
public class QemuBootTests
{
    private const string ReportBegin = "DRIVER-TOOL-BOOT-REPORT";
    private const string ReportEnd = "END-OF-DRIVER-TOOL-BOOT-REPORT";

    [Fact]
    public void At_boot_the_hook_selects_the_variant_for_the_NIC_and_the_kernel_loads_it()
    {
        using E1000eInitrd initrd = E1000eInitrd.Create(variantNote: true);
        WriteReportModule(Path.Combine(initrd.DracutModules, "99boot-report"));
        initrd.Build("boot-report");

        (string[] listings, string[] files) = BootAndReport(initrd);

        // At the hook, before udev: selected, and nothing loaded yet.
        JsonElement atHook = Driver(listings[0]);
        Assert.Equal(E1000eInitrd.Variant, atHook.GetProperty("selected").GetString());
        Assert.Equal(JsonValueKind.Null, atHook.GetProperty("active").ValueKind);
        Assert.True(atHook.GetProperty("variants").GetProperty(E1000eInitrd.Variant).GetProperty("hardware_present").GetBoolean());

        // After udev: the kernel loaded the variant's file, and its note says so.
        JsonElement afterUdev = Driver(listings[1]);
        Assert.Equal(E1000eInitrd.Variant, afterUdev.GetProperty("selected").GetString());
        Assert.Equal(E1000eInitrd.Variant, afterUdev.GetProperty("active").GetString());
        Assert.Equal(["e1000e.ko"], afterUdev.GetProperty("loaded modules").EnumerateArray().Select(e => e.GetString()));
        Assert.False(JsonDocument.Parse(listings[1]).RootElement.GetProperty("operation").GetProperty("reboot").GetBoolean());
        Assert.Equal($"/lib/modules/{initrd.Release}/updates/e1000e.ko", files[0]);
    }

    [Fact]
    public void At_boot_a_driver_deselected_on_purpose_stays_on_its_in_tree_module()
    {
        using E1000eInitrd initrd = E1000eInitrd.Create(variantNote: true);
        string state = Path.Combine(initrd.Work, "state");
        Directory.CreateDirectory(state);
        File.WriteAllText(Path.Combine(state, "deselected"), E1000eInitrd.Driver + "\n");
        WriteReportModule(Path.Combine(initrd.DracutModules, "99boot-report"));

        // dracut's own depmod of the initrd reads this machine's depmod.d (depmod -b reads no
        // configuration under its base): as on a host with driver-tool installed, it must say "exclude dmv".
        const string hostConfig = "/etc/depmod.d/driver-tool.conf";
        bool installedConfig = !File.Exists(hostConfig);
        if (installedConfig)
        {
            Directory.CreateDirectory("/etc/depmod.d");
            File.Copy(Path.Combine(ToolPaths.RepositoryRoot, "dist/depmod.d/driver-tool.conf"), hostConfig);
        }

        try
        {
            Assert.True(initrd.Dracut(new Dictionary<string, string> { ["DRIVER_TOOL_STATE"] = state }, "boot-report").ExitCode == 0);
        }
        finally
        {
            if (installedConfig)
            {
                File.Delete(hostConfig);
            }
        }

        Assert.Contains("var/lib/driver-tool/deselected", E1000eInitrd.Run("lsinitrd", initrd.Image).Stdout);
        string unpacked = initrd.Unpack();
        JsonElement atHook = E1000eInitrd.RunHook(unpacked);
        Assert.True(atHook.GetProperty("selected").ValueKind == JsonValueKind.Null,
            File.ReadAllText(Path.Combine(unpacked, "run/driver-tool/auto-select.err")) + File.ReadAllText(Path.Combine(unpacked, "run/driver-tool/auto-select.json")));

        (string[] listings, string[] files) = BootAndReport(initrd);

        JsonElement afterUdev = Driver(listings[1]);
        Assert.Equal(JsonValueKind.Null, afterUdev.GetProperty("selected").ValueKind);
        Assert.True(afterUdev.GetProperty("variants").GetProperty(E1000eInitrd.Variant).GetProperty("hardware_present").GetBoolean());
        // (Not "active": the variant here is the in-tree module plus a note, so its srcversion matches the in-tree one.)
        Assert.DoesNotContain("/updates/", files[0]);
        Assert.Contains("/kernel/", files[0]);
    }

    /// <summary>Boots the initrd and returns the report's two listings (at the hook, after udev) and modinfo's file.</summary>
    private static (string[] Listings, string[] Files) BootAndReport(E1000eInitrd initrd)
    {
        string serial = Boot(initrd);
        int begin = serial.IndexOf(ReportBegin + "\n", StringComparison.Ordinal);
        int end = serial.IndexOf(ReportEnd, StringComparison.Ordinal);
        Assert.True(begin >= 0 && end > begin, $"no report on the serial console; it ends with:\n{Tail(serial)}");
        // Kernel messages may interleave on the console: take the report's own lines.
        string[] report = serial[(begin + ReportBegin.Length + 1)..end].Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string[] listings = report.Where(line => line.StartsWith('{')).ToArray();
        string[] files = report.Where(line => line.StartsWith("/lib/modules/", StringComparison.Ordinal)).ToArray();
        Assert.True(listings.Length == 2 && files.Length == 1, $"report:\n{string.Join('\n', report)}");
        return (listings, files);
    }

    private static JsonElement Driver(string listing) =>
        JsonDocument.Parse(listing).RootElement.GetProperty("drivers").GetProperty(E1000eInitrd.Driver);

    private static void WriteReportModule(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllText(Path.Combine(directory, "module-setup.sh"), """
            #!/bin/bash
            check() { return 255; }
            depends() { echo driver-tool; }
            install() {
                inst_multiple cat modinfo
                inst_hook cmdline 99 "$moddir/no-root.sh"
                inst_hook pre-mount 99 "$moddir/report.sh"
            }
            """);
        // There is no root file system: claim one so dracut's init goes on to pre-mount.
        File.WriteAllText(Path.Combine(directory, "no-root.sh"), "#!/bin/sh\nroot=boot-report\nrootok=1\n");
        File.WriteAllText(Path.Combine(directory, "report.sh"), $"""
            #!/bin/sh
            udevadm settle --timeout=60
            {'{'}
            echo {ReportBegin}
            cat /run/driver-tool/listing.json
            echo
            # Through a pipe: the one-line JSON a program gets (on the console, a terminal, it is indented).
            driver-tool -l | cat
            echo
            modinfo -F filename e1000e
            echo {ReportEnd}
            {'}'} > /dev/ttyS0 2>&1
            echo 1 > /proc/sys/kernel/sysrq
            echo o > /proc/sysrq-trigger
            """);
        foreach (string script in Directory.GetFiles(directory))
        {
            File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
        }
    }

    private static string Boot(E1000eInitrd initrd)
    {
        string serial = Path.Combine(initrd.Work, "serial.log");
        string kernel = Path.Combine(DebianKernel.Root, $"boot/vmlinuz-{initrd.Release}");
        ProcessResult result = ExternalCommand.Run(
            [
                "qemu-system-x86_64", "-accel", "tcg", "-cpu", "max", "-m", "512", "-display", "none", "-no-reboot",
                "-serial", $"file:{serial}", "-monitor", "none", "-kernel", kernel, "-initrd", initrd.Image,
                "-append", "console=ttyS0 panic=-1 rd.shell=0 quiet", "-nic", "none",
                "-netdev", "user,id=n0", "-device", "e1000e,netdev=n0",
            ],
            timeoutSeconds: 300);
        string log = File.Exists(serial) ? File.ReadAllText(serial).Replace("\r", "") : "";
        Assert.True(result.ExitCode == 0, $"qemu: {result}\nserial console:\n{Tail(log)}");
        return log;
    }

    private static string Tail(string text) => text.Length > 3000 ? text[^3000..] : text;
}
