using System.Diagnostics;
using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// Trial selections proven by real boots (QEMU, TCG): OVMF, an EFI grub (grub-mkimage) reading a
/// grub.cfg that <c>driver-tool trial enable</c> prepared and the grubenv driver-tool armed, on a
/// GPT disk with a FAT ESP made with mtools; Debian's kernel; the project's own dracut initrd with
/// driver-tool and its hook; variants of e1000e for QEMU's 82574L — one that panics at load (built
/// with kbuild against Debian's headers) and a good one whose note makes it "active". Each boot's
/// time goes to build/trial-boots.txt, which make test prints.
/// </summary>
public class TrialBootTests
{
    private const string Esp = "boot/efi/EFI/xenserver";
    private const string ReportBegin = "TRIAL-REPORT-BEGIN";
    private const string ReportEnd = "TRIAL-REPORT-END";

    [Fact]
    public void A_variant_that_panics_is_counted_by_grub_and_the_boot_after_its_tries_falls_back_then_settle_rolls_the_host_back()
    {
        using Rig rig = Rig.Create(trialVariant: "panic", previous: E1000eInitrd.Variant, tries: 2);
        (string serial, int boots) = rig.Boot("panic", rig.FreshDisk("panic"));

        // Two counted tries, each a panic while udev loaded the variant; the third boot fell back.
        Assert.True(boots == 3, $"{boots} boots\n{Tail(serial)}");
        Assert.Equal(2, Count(serial, "panic at load"));
        Assert.Contains($"driver-tool: trial {rig.Id} failed; booting the previous selection", serial);
        Report report = Report.From(serial);
        Assert.Equal("fallback", report.Boot.GetProperty("decision").GetString());
        Assert.Equal("tries-used-up", report.Boot.GetProperty("reason").GetString());
        Assert.Contains($"rd.driver_tool.trial={rig.Id}:failed", report.CommandLine);
        Assert.Equal(E1000eInitrd.Variant, report.Driver.GetProperty("active").GetString());
        Assert.Equal($"/lib/modules/{rig.Initrd.Release}/updates/e1000e.ko", report.File);
        Assert.Equal(["dt_trial=failed", "dt_tries=0", $"dt_id={rig.Id}"], rig.DiskEnvironment("panic"));

        // The host, early in that boot: its links back, history, the mark, grubenv rolled-back.
        rig.SettleOnHost("panic", report.CommandLine);
        Assert.Equal($"../dmv/{E1000eInitrd.Driver}/{E1000eInitrd.Variant}/e1000e.ko", rig.Link());
        Assert.Equal($"{E1000eInitrd.Driver}\tpanic\t{rig.Id}\n", File.ReadAllText(Path.Combine(rig.Root, "var/lib/driver-tool/failed-boots")));
        Assert.Contains("\"operation\":\"trial-rollback\"", File.ReadAllText(Path.Combine(rig.Root, "var/lib/driver-tool/history.jsonl")));
        Assert.Equal(["dt_trial=rolled-back", $"dt_id={rig.Id}"], rig.TreeEnvironment());
        JsonElement trial = rig.ListTrial();
        Assert.Equal("rolled-back", trial.GetProperty("state").GetString());
        Assert.Contains("used up its 2 tries", trial.GetProperty("reason").GetString());
    }

    [Fact]
    public void A_good_variant_boots_on_trial_and_confirm_in_that_boot_clears_grubenv_on_the_ESP()
    {
        using Rig rig = Rig.Create(trialVariant: E1000eInitrd.Variant, previous: null, tries: 3);
        (string serial, int boots) = rig.Boot("good", rig.FreshDisk("good"));

        Assert.True(boots == 1, $"{boots} boots\n{Tail(serial)}");
        Report report = Report.From(serial);
        Assert.Equal("trial", report.Boot.GetProperty("decision").GetString());
        Assert.Contains($"rd.driver_tool.trial={rig.Id} panic_on_oops=1", report.CommandLine);
        Assert.Equal(E1000eInitrd.Variant, report.Driver.GetProperty("active").GetString());
        Assert.True(report.Confirm?.StartsWith("{\"trial\"", StringComparison.Ordinal) == true, $"trial confirm in the guest: {report.Confirm}; {report.ConfirmErrors}");
        JsonElement confirmed = JsonDocument.Parse(report.Confirm!).RootElement.GetProperty("trial");
        Assert.Equal("good", confirmed.GetProperty("state").GetString());
        Assert.Equal(2, confirmed.GetProperty("tries_left").GetInt32());
        // grub counted the boot (3 -> 2) before the kernel; confirm, run in that boot, stopped the count on the ESP.
        Assert.Equal(["dt_trial=good", $"dt_id={rig.Id}"], rig.DiskEnvironment("good"));

        // The next boot, with the same initrd (made while the trial was pending, and not rebuilt: the
        // guest has no dracut), keeps the variant: grub passes ID:good.
        (serial, boots) = rig.Boot("good-after", rig.Disk("good"));
        Assert.True(boots == 1, $"{boots} boots\n{Tail(serial)}");
        report = Report.From(serial);
        Assert.Contains($"rd.driver_tool.trial={rig.Id}:good", report.CommandLine);
        Assert.Equal("confirmed", report.Boot.GetProperty("reason").GetString());
        Assert.Equal(E1000eInitrd.Variant, report.Driver.GetProperty("active").GetString());
    }

    [Fact]
    public void A_torn_grubenv_falls_back_without_loading_the_variant_and_an_unwritable_one_is_not_tried()
    {
        using Rig rig = Rig.Create(trialVariant: "panic", previous: E1000eInitrd.Variant, tries: 2);

        string torn = rig.FreshDisk("torn");
        File.WriteAllText(Path.Combine(rig.Work, "torn-env"), new string('x', 1024));
        Check("mcopy", "-o", "-i", torn + "@@1M", Path.Combine(rig.Work, "torn-env"), $"::/EFI/xenserver/grubenv");
        (string serial, int boots) = rig.Boot("torn", torn);
        Assert.True(boots == 1, $"{boots} boots\n{Tail(serial)}");
        Assert.Equal(0, Count(serial, "panic at load"));
        Report report = Report.From(serial);
        Assert.Equal("no-token", report.Boot.GetProperty("reason").GetString());
        Assert.Equal(E1000eInitrd.Variant, report.Driver.GetProperty("active").GetString());

        string readOnly = rig.FreshDisk("readonly");
        (serial, boots) = rig.Boot("readonly", readOnly, diskOptions: ",readonly=on");
        Assert.True(boots == 1, $"{boots} boots\n{Tail(serial)}");
        Assert.Equal(0, Count(serial, "panic at load"));
        Assert.Contains("driver-tool: cannot write grubenv; not trying the variant", serial);
        report = Report.From(serial);
        Assert.Equal("count-unwritable", report.Boot.GetProperty("reason").GetString());
        Assert.Contains($"rd.driver_tool.trial={rig.Id}:unwritable", report.CommandLine);
        Assert.Equal(E1000eInitrd.Variant, report.Driver.GetProperty("active").GetString());
        Assert.Equal(["dt_trial=pending", "dt_tries=2", $"dt_id={rig.Id}"], rig.DiskEnvironment("readonly"));
    }

    private static int Count(string text, string what)
    {
        int count = 0;
        for (int at = text.IndexOf(what, StringComparison.Ordinal); at >= 0; at = text.IndexOf(what, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static string Tail(string text) => text.Length > 4000 ? text[^4000..] : text;

    private static ProcessResult Check(params string[] command) => ExternalCommand.Check(command, timeoutSeconds: 120);

    /// <summary>What the initrd's report module printed in the last boot.</summary>
    private sealed record Report(JsonElement Boot, JsonElement Driver, string CommandLine, string File, string? Confirm, string? ConfirmErrors)
    {
        public static Report From(string serial)
        {
            int begin = serial.LastIndexOf(ReportBegin + "\n", StringComparison.Ordinal);
            int end = serial.LastIndexOf(ReportEnd, StringComparison.Ordinal);
            Assert.True(begin >= 0 && end > begin, $"no report on the serial console; it ends with:\n{Tail(serial)}");
            string[] lines = serial[(begin + ReportBegin.Length + 1)..end].Split('\n', StringSplitOptions.RemoveEmptyEntries);
            string Line(string prefix) => lines.FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal))?[prefix.Length..]
                ?? throw new Xunit.Sdk.XunitException($"no '{prefix}' in the report:\n{string.Join('\n', lines)}");
            JsonElement listing = JsonDocument.Parse(Line("listing: ")).RootElement;
            string? confirm = lines.FirstOrDefault(l => l.StartsWith("confirm: ", StringComparison.Ordinal))?["confirm: ".Length..];
            string? errors = lines.FirstOrDefault(l => l.StartsWith("confirm-errors: ", StringComparison.Ordinal))?["confirm-errors: ".Length..];
            return new Report(JsonDocument.Parse(Line("boot: ")).RootElement, listing.GetProperty("drivers").GetProperty(E1000eInitrd.Driver), Line("cmdline: "), Line("file: "), confirm, errors);
        }
    }

    /// <summary>
    /// A host tree with a trial armed by driver-tool (its grub.cfg prepared by trial enable), the
    /// initrd dracut made from it, and a disk image to boot, copied per scenario.
    /// </summary>
    private sealed class Rig : IDisposable
    {
        private Rig(E1000eInitrd initrd) => Initrd = initrd;

        public E1000eInitrd Initrd { get; }

        public string Work => Initrd.Work;

        public string Root => Path.Combine(Work, "root");

        public string Id { get; private set; } = "";

        private string Lspci => Path.Combine(Work, "lspci.txt");

        public static Rig Create(string trialVariant, string? previous, int tries)
        {
            var rig = new Rig(E1000eInitrd.Create(variantNote: true));
            rig.AddPanicVariant();
            File.WriteAllText(rig.Lspci, "00:03.0 \"0200\" \"8086\" \"10d3\" -r00 \"8086\" \"0000\"\n");
            if (previous is not null)
            {
                rig.Run("select", E1000eInitrd.Driver, previous, "--no-hooks");
            }

            // A boot loader that cannot count is refused before anything changes.
            ProcessResult refused = rig.Tool("select", E1000eInitrd.Driver, trialVariant, "--trial", "--no-hooks");
            Assert.True(refused.ExitCode == 95, refused.ToString());

            string esp = Path.Combine(rig.Root, Esp);
            Directory.CreateDirectory(esp);
            File.WriteAllText(Path.Combine(esp, "grub.cfg"), """
                serial --unit=0 --speed=115200
                terminal_input serial
                terminal_output serial
                set timeout=0
                set default=0
                menuentry 'XenServer (trial proof)' {
                  echo 'grub: booting the kernel'
                  linux /boot/vmlinuz console=ttyS0 panic=1 rd.shell=0 quiet
                  initrd /boot/initrd.img
                }
                """);
            rig.Run("trial", "enable");
            ExternalCommand.Check(["grub-script-check", Path.Combine(esp, "grub.cfg")]);

            JsonElement armed = JsonDocument.Parse(rig.Run("select", E1000eInitrd.Driver, trialVariant, "--trial", "--tries", tries.ToString(), "--no-hooks").Stdout).RootElement;
            rig.Id = armed.GetProperty("trial").GetProperty("id").GetString()!;
            Assert.Equal(["dt_trial=pending", $"dt_tries={tries}", $"dt_id={rig.Id}"], rig.TreeEnvironment());

            rig.AddDiskModules();
            rig.WriteReportModule();
            ProcessResult dracut = rig.Initrd.Dracut(new Dictionary<string, string> { ["DRIVER_TOOL_STATE"] = Path.Combine(rig.Root, "var/lib/driver-tool") }, "trial-report");
            Assert.True(dracut.ExitCode == 0, $"dracut: {dracut}");
            rig.BuildEspImage();
            return rig;
        }

        /// <summary>driver-tool --root on the tree, with the NIC present; the test fails unless it exits 0.</summary>
        public ProcessResult Run(params string[] args)
        {
            ProcessResult result = Tool(args);
            Assert.True(result.ExitCode == 0, $"driver-tool {string.Join(' ', args)}: {result}");
            return result;
        }

        public ProcessResult Tool(params string[] args) =>
            ExternalCommand.Run([ToolPaths.DriverTool, "--root", Root, "--lspci", Lspci, .. args], timeoutSeconds: 120);

        public string Link() => new FileInfo(Path.Combine(Root, $"lib/modules/{Initrd.Release}/updates/e1000e.ko")).LinkTarget ?? "(none)";

        public string[] TreeEnvironment() => Environment(File.ReadAllText(Path.Combine(Root, Esp, "grubenv")));

        public string[] DiskEnvironment(string name) =>
            Environment(ExternalCommand.Check(["mcopy", "-i", Disk(name) + "@@1M", "::/EFI/xenserver/grubenv", "-"]).Stdout);

        public JsonElement ListTrial()
        {
            ProcessResult list = Run("-l");
            ContractChecker.AssertAccepted("list", list.Stdout);
            return JsonDocument.Parse(list.Stdout).RootElement.GetProperty("trial");
        }

        /// <summary>trial settle on the host tree, with the kernel command line and the grubenv of the boot that fell back.</summary>
        public void SettleOnHost(string name, string commandLine)
        {
            Directory.CreateDirectory(Path.Combine(Root, "proc"));
            File.WriteAllText(Path.Combine(Root, "proc/cmdline"), commandLine + "\n");
            ExternalCommand.Check(["mcopy", "-o", "-i", Disk(name) + "@@1M", "::/EFI/xenserver/grubenv", Path.Combine(Root, Esp, "grubenv")]);
            JsonElement settled = JsonDocument.Parse(Run("trial", "settle", "--no-initrd").Stdout).RootElement;
            Assert.Equal("fallback", settled.GetProperty("decision").GetString());
        }

        public string FreshDisk(string name)
        {
            File.Copy(Path.Combine(Work, "disk.img"), Disk(name), overwrite: true);
            return Disk(name);
        }

        /// <summary>
        /// Boots a disk until the guest powers itself off (reboots allowed: a panic resets and grub
        /// counts again); returns the serial console and the boots grub started.
        /// </summary>
        public (string Serial, int Boots) Boot(string name, string disk, string diskOptions = "")
        {
            string serial = Path.Combine(Work, $"serial-{name}.log");
            string vars = Path.Combine(Work, $"vars-{name}.fd");
            File.Copy("/usr/share/OVMF/OVMF_VARS_4M.fd", vars, overwrite: true);
            var clock = Stopwatch.StartNew();
            ProcessResult result = ExternalCommand.Run(
                [
                    "qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-cpu", "max", "-m", "512", "-smp", "1",
                    "-display", "none", "-monitor", "none", "-serial", $"file:{serial}",
                    "-drive", "if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd",
                    "-drive", $"if=pflash,format=raw,file={vars}",
                    "-drive", $"file={disk},if=virtio,format=raw{diskOptions}",
                    "-nic", "none", "-netdev", "user,id=n0", "-device", "e1000e,netdev=n0",
                ],
                timeoutSeconds: 300);
            clock.Stop();
            string log = File.Exists(serial) ? File.ReadAllText(serial).Replace("\r", "") : "";
            int boots = Count(log, "grub: booting the kernel");
            File.AppendAllText(Path.Combine(ToolPaths.RepositoryRoot, "build/trial-boots.txt"),
                $"trial boot proof, {name}: {boots} boot(s) in {clock.Elapsed.TotalSeconds:F1} s ({(boots > 0 ? clock.Elapsed.TotalSeconds / boots : 0):F1} s a boot)\n");
            Assert.True(result.ExitCode == 0, $"qemu: {result}\nserial console:\n{Tail(log)}");
            return (log, boots);
        }

        public void Dispose() => Initrd.Dispose();

        public string Disk(string name) => Path.Combine(Work, $"disk-{name}.img");

        private static string[] Environment(string block) =>
            block.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToArray();

        /// <summary>dmv/intel-e1000e/panic: an e1000e built with kbuild that claims the 82574L and panics at load.</summary>
        private void AddPanicVariant()
        {
            string build = Path.Combine(Work, "kbuild");
            ExternalCommand.Check(["cp", "-a", Path.Combine(ToolPaths.RepositoryRoot, "tests/modules/e1000e-panic"), build]);
            ExternalCommand.Check(["make", "-s", "-C", $"/usr/src/linux-headers-{Initrd.Release}", $"M={build}", "modules"], timeoutSeconds: 300);
            string variant = Path.Combine(Root, $"lib/modules/{Initrd.Release}/dmv/{E1000eInitrd.Driver}/panic");
            Directory.CreateDirectory(variant);
            File.Copy(Path.Combine(build, "e1000e.ko"), Path.Combine(variant, "e1000e.ko"));
            File.WriteAllText(Path.Combine(variant, "info.json"), $$$"""
                {"category": "network", "name": "{{{E1000eInitrd.Driver}}}", "description": "an e1000e that panics at load", "variant": "panic",
                 "version": "9.9", "priority": 5, "status": "beta",
                 "pci_ids": {"e1000e.ko": [{"vendor_id": "8086", "device_id": "10d3", "subvendor_id": "*", "subdevice_id": "*"}]}}
                """);
        }

        /// <summary>The in-tree modules the report needs to mount the ESP (virtio disk, FAT), into the tree dracut takes modules from.</summary>
        private void AddDiskModules()
        {
            string modules = Path.Combine(Root, $"lib/modules/{Initrd.Release}");
            foreach (string module in new[] { "virtio.ko", "virtio_ring.ko", "virtio_pci_modern_dev.ko", "virtio_pci_legacy_dev.ko", "virtio_pci.ko", "virtio_blk.ko", "fat.ko", "vfat.ko", "nls_cp437.ko", "nls_ascii.ko" })
            {
                string inTree = DebianKernel.InTree(module);
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(modules, inTree))!);
                File.Copy(Path.Combine(DebianKernel.ModulesDirectory, inTree), Path.Combine(modules, inTree), overwrite: true);
            }

            ExternalCommand.Check(["depmod", "-b", Root, "-C", Path.Combine(Root, "etc/depmod.d"), Initrd.Release]);
        }

        /// <summary>
        /// A dracut module of the test's: at pre-mount (after udev loaded the NIC's driver) it prints
        /// the hook's decision, the listing, the kernel command line and the file e1000e came from;
        /// on a trial boot it mounts the ESP and runs trial confirm, as the host's unit would; then
        /// it powers off.
        /// </summary>
        private void WriteReportModule()
        {
            string directory = Path.Combine(Initrd.DracutModules, "99trial-report");
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "module-setup.sh"), """
                #!/bin/bash
                check() { return 255; }
                depends() { echo driver-tool; }
                installkernel() { hostonly='' instmods virtio_pci virtio_blk vfat nls_cp437 nls_ascii; }
                install() {
                    inst_multiple cat modinfo mount umount mkdir
                    inst_hook cmdline 99 "$moddir/no-root.sh"
                    inst_hook pre-mount 99 "$moddir/report.sh"
                }
                """);
            File.WriteAllText(Path.Combine(directory, "no-root.sh"), "#!/bin/sh\nroot=trial-report\nrootok=1\n");
            File.WriteAllText(Path.Combine(directory, "report.sh"), $$"""
                #!/bin/sh
                udevadm settle --timeout=60
                {
                echo {{ReportBegin}}
                printf 'boot: '; cat /run/driver-tool/boot.json; echo
                printf 'listing: '; driver-tool -l | cat; echo
                printf 'cmdline: '; cat /proc/cmdline
                printf 'file: '; modinfo -F filename e1000e
                case $(cat /run/driver-tool/boot.json) in
                *'"decision":"trial"'*)
                    mkdir -p /boot/efi
                    mount -t vfat /dev/vda1 /boot/efi 2> /run/mount.err || { printf 'confirm-errors: mount: '; ls /dev/vd* | while read -r d; do printf '%s ' "$d"; done; while read -r line; do printf '%s | ' "$line"; done < /run/mount.err; echo; }
                    printf 'confirm: '; driver-tool trial confirm 2> /run/confirm.err | cat; echo
                    printf 'confirm-errors: '; while read -r line; do printf '%s | ' "$line"; done < /run/confirm.err; echo
                    umount /boot/efi ;;
                esac
                echo {{ReportEnd}}
                } > /dev/ttyS0 2>&1
                echo 1 > /proc/sys/kernel/sysrq
                echo o > /proc/sysrq-trigger
                """);
            foreach (string script in Directory.GetFiles(directory))
            {
                File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
            }
        }

        /// <summary>GPT disk, one FAT ESP from 1 MiB: EFI/BOOT/BOOTX64.EFI (prefix /EFI/xenserver), the tree's grub files, kernel, initrd.</summary>
        private void BuildEspImage()
        {
            string esp = Path.Combine(Work, "esp.img");
            string grub = Path.Combine(Work, "BOOTX64.EFI");
            ExternalCommand.Check(["grub-mkimage", "-O", "x86_64-efi", "-p", "/EFI/xenserver", "-o", grub,
                "part_gpt", "fat", "normal", "linux", "loadenv", "echo", "test", "configfile", "serial", "terminal", "sleep", "halt", "reboot", "cat"]);
            ExternalCommand.Check(["truncate", "-s", "60M", esp]);
            ExternalCommand.Check(["mkfs.vfat", "-F", "32", "-n", "ESP", esp]);
            ExternalCommand.Check(["mmd", "-i", esp, "::/EFI", "::/EFI/BOOT", "::/EFI/xenserver", "::/boot"]);
            ExternalCommand.Check(["mcopy", "-i", esp, grub, "::/EFI/BOOT/BOOTX64.EFI"]);
            foreach (string file in new[] { "grub.cfg", "driver-tool-trial.cfg", "grubenv" })
            {
                ExternalCommand.Check(["mcopy", "-i", esp, Path.Combine(Root, Esp, file), $"::/EFI/xenserver/{file}"]);
            }

            ExternalCommand.Check(["mcopy", "-i", esp, Path.Combine(DebianKernel.Root, $"boot/vmlinuz-{Initrd.Release}"), "::/boot/vmlinuz"]);
            ExternalCommand.Check(["mcopy", "-i", esp, Initrd.Image, "::/boot/initrd.img"]);
            string disk = Path.Combine(Work, "disk.img");
            ExternalCommand.Check(["truncate", "-s", "64M", disk]);
            ExternalCommand.Check(["bash", "-c", $"printf 'label: gpt\\nstart=2048, size=122880, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B, name=\"ESP\"\\n' | sfdisk -q {disk}"]);
            ExternalCommand.Check(["dd", $"if={esp}", $"of={disk}", "bs=1M", "seek=1", "conv=notrunc", "status=none"]);
            File.Delete(esp);
        }
    }
}
