using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// Trial selections on trees: grub.cfg prepared by trial enable (checked by grub's own
/// grub-script-check and grub-editenv), arming and its refusals, what -l and trial show, and the
/// three ends — settle after a boot that fell back, confirm, rollback — each decided from the
/// tree's /proc/cmdline as the host's would be. The real boots are <see cref="TrialBootTests"/>.
/// </summary>
public class TrialTests
{
    private const string K1 = "6.1.0-1-amd64";
    private const string K2 = "6.2.0-2-amd64";
    private const string Esp = "boot/efi/EFI/xenserver";

    /// <summary>XenServer's grub.cfg as its installer writes it (python-libs' writeGrub2): Xen entries, a load_env boilerplate.</summary>
    public const string XenServerGrubCfg = """
        serial --unit=0 --speed=115200
        terminal_input serial console
        terminal_output serial console
        set default=0
        set timeout=5
        if [ -s $prefix/grubenv ]; then
        	load_env
        fi

        if [ -n "$override_entry" ]; then
        	set default=$override_entry
        fi

        menuentry 'XenServer' {
        	search --label --set root root-xgbkvc
        	xen_hypervisor /boot/xen.efi dom0_mem=4096M,max:4096M watchdog ucode=scan crashkernel=256M,below=4G console=vga vga=mode-0x0311
        	xen_module /boot/vmlinuz-4.19-xen root=LABEL=root-xgbkvc ro nolvm hpet=disable console=hvc0 console=tty0 quiet vga=785 splash plymouth.ignore-serial-consoles
        	xen_module /boot/initrd-4.19-xen.img
        }
        menuentry 'XenServer (Serial)' {
        	search --label --set root root-xgbkvc
        	xen_hypervisor /boot/xen.efi com1=115200,8n1 console=com1,vga dom0_mem=4096M,max:4096M watchdog ucode=scan crashkernel=256M,below=4G
        	xen_module /boot/vmlinuz-4.19-xen root=LABEL=root-xgbkvc ro nolvm hpet=disable console=tty0 console=hvc0
        	xen_module /boot/initrd-4.19-xen.img
        }
        menuentry 'XenServer in Safe Mode' {
        	search --label --set root root-xgbkvc
        	multiboot2 /boot/xen.gz nosmp noreboot noirqbalance no-mce no-bootscrub no-numa no-hap no-mmcfg max_cstate=0 nmi=ignore allow_unsafe
        	module2 /boot/vmlinuz-4.19-xen earlyprintk=xen root=LABEL=root-xgbkvc ro nolvm hpet=disable console=tty0 console=hvc0
        	module2 /boot/initrd-4.19-xen.img
        }

        """;

    private static HandTree Host(string? grubCfg = XenServerGrubCfg)
    {
        var tree = new HandTree();
        foreach (string kernel in new[] { K1, K2 })
        {
            tree.Variant(kernel, "ice", "generic", ["ice.ko"]).Variant(kernel, "ice", "dell", ["ice.ko"], priority: "20");
        }

        if (grubCfg is not null)
        {
            tree.File($"{Esp}/grub.cfg", grubCfg);
        }

        // The boot the tree is in: arming records it, and settle does nothing in that same boot.
        tree.File("proc/sys/kernel/random/boot_id", "7c1e0a4e-0000-4000-8000-000000000001\n");
        return tree;
    }

    private static ProcessResult Ok(HandTree tree, params string[] args)
    {
        ProcessResult result = tree.Run(args);
        Assert.True(result.ExitCode == 0, $"driver-tool {string.Join(' ', args)}: {result}");
        return result;
    }

    private static JsonElement Json(ProcessResult result) => JsonDocument.Parse(result.Stdout).RootElement;

    private static string[] GrubEnv(HandTree tree) =>
        ExternalCommand.Check(["grub-editenv", tree.Path($"{Esp}/grubenv"), "list"]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A tree prepared for trials with "generic" selected and "dell" armed on trial; returns the trial id.</summary>
    private static string Armed(HandTree tree, int tries = 3)
    {
        Ok(tree, "select", "ice", "generic", "--no-hooks");
        Ok(tree, "trial", "enable");
        JsonElement reply = Json(Ok(tree, "select", "ice", "dell", "--trial", "--tries", tries.ToString(), "--no-hooks"));
        return reply.GetProperty("trial").GetProperty("id").GetString()!;
    }

    private static void BootedWith(HandTree tree, string commandLine, string bootId = "7c1e0a4e-0000-4000-8000-000000000002") =>
        tree.File("proc/cmdline", commandLine + "\n").File("proc/sys/kernel/random/boot_id", bootId + "\n");

    [Fact]
    public void Trial_enable_hooks_every_dom0_kernel_line_and_nothing_else_and_grub_accepts_it_and_disable_undoes_it()
    {
        using HandTree tree = Host();
        string cfg = tree.Path($"{Esp}/grub.cfg");

        JsonElement enabled = Json(Ok(tree, "trial", "enable"));
        Assert.True(enabled.GetProperty("changed").GetBoolean());
        Assert.Equal($"/{Esp}/grub.cfg", enabled.GetProperty("boot_config").GetString());
        string prepared = File.ReadAllText(cfg);
        string[] lines = prepared.Split('\n');

        Assert.Single(lines, l => l == "source $prefix/driver-tool-trial.cfg");
        Assert.True(Array.IndexOf(lines, "source $prefix/driver-tool-trial.cfg") < Array.FindIndex(lines, l => l.StartsWith("menuentry", StringComparison.Ordinal)));
        string[] hooked = lines.Where(l => l.Contains("${dt_args}")).ToArray();
        Assert.Equal(3, hooked.Length);
        Assert.All(hooked, l => Assert.Matches(@"^\t(xen_module|module2) /boot/vmlinuz-4\.19-xen .* \$\{dt_args\}$", l));
        Assert.DoesNotContain(lines, l => (l.Contains("xen_hypervisor") || l.Contains("multiboot2") || l.Contains("initrd")) && l.Contains("dt_args"));
        // Every other line byte for byte.
        Assert.Equal(XenServerGrubCfg, prepared.Replace("source $prefix/driver-tool-trial.cfg\n", "").Replace(" ${dt_args}", ""));
        Assert.Equal(File.ReadAllBytes(Path.Combine(ToolPaths.RepositoryRoot, "dist/grub/driver-tool-trial.cfg")), File.ReadAllBytes(tree.Path($"{Esp}/driver-tool-trial.cfg")));
        ExternalCommand.Check(["grub-script-check", cfg]);
        ExternalCommand.Check(["grub-script-check", tree.Path($"{Esp}/driver-tool-trial.cfg")]);

        Assert.False(Json(Ok(tree, "trial", "enable")).GetProperty("changed").GetBoolean());
        Assert.Equal(prepared, File.ReadAllText(cfg));

        Assert.True(Json(Ok(tree, "trial", "disable")).GetProperty("changed").GetBoolean());
        Assert.Equal(XenServerGrubCfg, File.ReadAllText(cfg));
        Assert.False(File.Exists(tree.Path($"{Esp}/driver-tool-trial.cfg")));
    }

    [Fact]
    public void A_prepared_grub_cfg_survives_a_rewrite_by_XenServers_grub_cfg_writer()
    {
        using HandTree tree = Host();
        Ok(tree, "trial", "enable");
        string cfg = tree.Path($"{Esp}/grub.cfg");

        // python-libs' Bootloader.readGrub2 + writeGrub2 (xcp/bootloader.py), as XenServer runs them
        // on a kernel update: lines before the first entry are kept as boilerplate, a kernel line's
        // arguments as text. (The real module is not packaged anywhere this machine can fetch it
        // from; this is its parse-and-write path for these lines, line for line.)
        ExternalCommand.Check(["python3", Path.Combine(ToolPaths.RepositoryRoot, "tests/tools/xcp_grub2_rewrite.py"), cfg]);

        ExternalCommand.Check(["grub-script-check", cfg]);
        Assert.Contains("source $prefix/driver-tool-trial.cfg", File.ReadAllText(cfg));
        Assert.Equal(0, tree.Run("select", "ice", "dell", "--trial", "--no-hooks").ExitCode);
        Assert.Equal(0, tree.Run("verify").ExitCode);
    }

    [Fact]
    public void Arming_is_refused_when_grub_cannot_count_and_changes_nothing()
    {
        using HandTree tree = Host(grubCfg: null);
        Ok(tree, "select", "ice", "generic", "--no-hooks");

        ProcessResult none = tree.Run("select", "ice", "dell", "--trial", "--no-hooks");
        Assert.Equal(95, none.ExitCode);
        Assert.Contains("no grub.cfg", none.Stderr);
        Assert.Contains("trial enable", none.Stderr);
        ContractChecker.AssertAccepted("error", none.Stdout);

        tree.File($"{Esp}/grub.cfg", XenServerGrubCfg);
        ProcessResult unprepared = tree.Run("select", "ice", "dell", "--trial", "--no-hooks");
        Assert.Equal(95, unprepared.ExitCode);
        Assert.Contains("does not source driver-tool's block", unprepared.Stderr);
        Assert.Contains("lacks ${dt_args}", unprepared.Stderr);

        Ok(tree, "trial", "enable");
        File.WriteAllText(tree.Path($"{Esp}/grub.cfg"), File.ReadAllText(tree.Path($"{Esp}/grub.cfg")).Replace(" ${dt_args}\n\txen_module /boot/initrd-4.19-xen.img\n}\nmenuentry 'XenServer (Serial)'", "\n\txen_module /boot/initrd-4.19-xen.img\n}\nmenuentry 'XenServer (Serial)'"));
        ProcessResult oneEntry = tree.Run("select", "ice", "dell", "--trial", "--no-hooks");
        Assert.Equal(95, oneEntry.ExitCode);
        Assert.Contains("menu entry 'XenServer' lacks ${dt_args}", oneEntry.Stderr);

        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        Assert.False(File.Exists(tree.Path("var/lib/driver-tool/trial.json")));
        Assert.False(File.Exists(tree.Path($"{Esp}/grubenv")));
    }

    [Fact]
    public void Grub_on_a_file_system_it_cannot_write_is_refused()
    {
        using HandTree tree = Host(grubCfg: null);
        using var tmpfs = new TmpfsMount("size=1m");
        File.WriteAllText(Path.Combine(tmpfs.Path, "grub.cfg"), XenServerGrubCfg);
        Directory.CreateDirectory(tree.Path("boot/efi/EFI"));
        // The ESP mounted inside the tree, as on a host.
        ExternalCommand.Check(["mount", "--bind", tmpfs.Path, tree.Path("boot/efi/EFI")]);
        try
        {
            File.Move(Path.Combine(tmpfs.Path, "grub.cfg"), Path.Combine(tmpfs.Path, "grub.cfg.x"));
            Directory.CreateDirectory(Path.Combine(tmpfs.Path, "xenserver"));
            File.WriteAllText(Path.Combine(tmpfs.Path, "xenserver/grub.cfg"), XenServerGrubCfg);

            ProcessResult enable = tree.Run("trial", "enable");
            Assert.Equal(95, enable.ExitCode);
            Assert.Contains("it is on tmpfs", enable.Stderr);
            Assert.Equal(XenServerGrubCfg, File.ReadAllText(Path.Combine(tmpfs.Path, "xenserver/grub.cfg")));
        }
        finally
        {
            ExternalCommand.Run(["umount", tree.Path("boot/efi/EFI")]);
        }
    }

    [Fact]
    public void Arming_records_the_previous_selection_then_arms_grubenv_and_callers_see_the_trial()
    {
        using HandTree tree = Host();
        Ok(tree, "select", "ice", "generic", "--no-hooks");
        Ok(tree, "trial", "enable");
        // Variables of XenServer's own in grubenv are kept.
        ExternalCommand.Check(["grub-editenv", tree.Path($"{Esp}/grubenv"), "create"]);
        ExternalCommand.Check(["grub-editenv", tree.Path($"{Esp}/grubenv"), "set", "override_entry=xe-serial"]);

        JsonElement reply = Json(Ok(tree, "select", "ice", "dell", "--trial", "--tries", "2", "--no-hooks"));
        ContractChecker.AssertAccepted("select", reply.GetRawText(), "ice", "dell");
        string id = reply.GetProperty("trial").GetProperty("id").GetString()!;
        Assert.Matches("^[0-9a-f-]+$", id);
        Assert.Equal(2, reply.GetProperty("trial").GetProperty("tries").GetInt32());

        Assert.Equal(["override_entry=xe-serial", "dt_trial=pending", "dt_tries=2", $"dt_id={id}"], GrubEnv(tree));
        Assert.Equal(1024, new FileInfo(tree.Path($"{Esp}/grubenv")).Length);
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        var record = new FileInfo(tree.Path("var/lib/driver-tool/trial.json"));
        Assert.Equal((UnixFileMode)0b110_000_000, record.UnixFileMode);

        JsonElement trial = Json(Ok(tree, "trial")).GetProperty("trial");
        Assert.Equal("pending", trial.GetProperty("state").GetString());
        Assert.True(trial.GetProperty("armed").GetBoolean());
        Assert.Equal(2, trial.GetProperty("tries_left").GetInt32());
        JsonElement driver = trial.GetProperty("drivers")[0];
        Assert.Equal("generic", driver.GetProperty("previous").GetString());
        Assert.Equal(new[] { K2, K1 }, driver.GetProperty("kernels").EnumerateArray().Select(k => k.GetProperty("kernel").GetString()!).ToArray());
        Assert.All(driver.GetProperty("kernels").EnumerateArray(), k => Assert.Equal("generic", k.GetProperty("previous").GetString()));

        ProcessResult list = Ok(tree, "-l");
        ContractChecker.AssertAccepted("list", list.Stdout);
        JsonElement listed = Json(list).GetProperty("trial");
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal("dell", listed.GetProperty("drivers")[0].GetProperty("variant").GetString());
        Assert.Contains($"trial {id}: pending, 2 of 2 tries left", Ok(tree, "-l", "--format", "table").Stdout);
        Assert.Contains("ON TRIAL", Ok(tree, "trial", "--format", "table").Stdout);

        // grub counts one boot: -l says so.
        ExternalCommand.Check(["grub-editenv", tree.Path($"{Esp}/grubenv"), "set", "dt_tries=1"]);
        Assert.Equal(1, Json(Ok(tree, "-l")).GetProperty("trial").GetProperty("tries_left").GetInt32());
    }

    [Fact]
    public void One_trial_at_a_time_and_a_driver_on_trial_is_switched_only_by_its_end()
    {
        using HandTree tree = Host();
        tree.Variant(K1, "bnx", "generic", ["bnx.ko"]).Variant(K1, "bnx", "dell", ["bnx.ko"]);
        string id = Armed(tree);

        foreach (string[] command in new[] { new[] { "select", "bnx", "dell", "--trial", "--no-hooks" }, ["select", "ice", "generic", "--no-hooks"], ["deselect", "ice", "--no-hooks"], ["auto-select", "--trial", "--no-hooks"], ["trial", "disable"] })
        {
            ProcessResult busy = tree.Run(command);
            Assert.True(busy.ExitCode == 16, $"{string.Join(' ', command)}: {busy}");
            Assert.Contains(id, busy.Stderr);
        }

        // auto-select and reconcile leave it alone; other drivers are switched as usual.
        JsonElement reconciled = Json(Ok(tree, "reconcile", "ice", "bnx", "--no-hooks"));
        Assert.Contains(reconciled.GetProperty("reconciled").EnumerateArray(), a => a.GetProperty("driver").GetString() == "ice" && a.GetProperty("action").GetString() == "kept");
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        Assert.Equal("../dmv/bnx/dell/bnx.ko", tree.LinkTarget(K1, "bnx.ko"));

        // A trial driver whose links are gone (removed by hand) gets nothing from reconcile until the trial ends.
        File.Delete(tree.Path($"lib/modules/{K1}/updates/ice.ko"));
        File.Delete(tree.Path($"lib/modules/{K2}/updates/ice.ko"));
        JsonElement waiting = Json(Ok(tree, "reconcile", "ice", "--no-hooks")).GetProperty("reconciled")[0];
        Assert.Contains($"on trial {id}", waiting.GetProperty("detail").GetString());
        Assert.Null(tree.LinkTarget(K1, "ice.ko"));
        Assert.Empty(Json(Ok(tree, "auto-select", "--dry-run")).GetProperty("plan").EnumerateArray());
    }

    [Fact]
    public void Settle_after_a_boot_whose_tries_were_used_up_rolls_back_marks_the_variant_and_is_safe_to_run_again()
    {
        using HandTree tree = Host();
        string id = Armed(tree, tries: 2);

        // The boot that armed it never settles it.
        JsonElement same = Json(Ok(tree, "trial", "settle", "--no-hooks"));
        Assert.Equal("none", same.GetProperty("decision").GetString());
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K1, "ice.ko"));

        // A trial boot: nothing to settle, confirm decides.
        BootedWith(tree, $"BOOT_IMAGE=/boot/vmlinuz ro rd.driver_tool.trial={id} panic_on_oops=1");
        Assert.Equal("trial", Json(Ok(tree, "trial", "settle", "--no-hooks")).GetProperty("decision").GetString());

        ExternalCommand.Check(["grub-editenv", tree.Path($"{Esp}/grubenv"), "set", "dt_trial=failed", "dt_tries=0"]);
        BootedWith(tree, $"ro rd.driver_tool.trial={id}:failed quiet", bootId: "7c1e0a4e-0000-4000-8000-000000000003");
        JsonElement settled = Json(Ok(tree, "trial", "settle", "--no-hooks"));
        Assert.Equal("fallback", settled.GetProperty("decision").GetString());
        Assert.Equal("tries-used-up", settled.GetProperty("reason").GetString());
        Assert.Equal("generic", settled.GetProperty("rolled_back")[0].GetProperty("variant").GetString());

        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K2, "ice.ko"));
        Assert.Equal(["dt_trial=rolled-back", $"dt_id={id}"], GrubEnv(tree));
        Assert.Equal($"ice\tdell\t{id}\n", File.ReadAllText(tree.Path("var/lib/driver-tool/failed-boots")));
        JsonElement listed = Json(Ok(tree, "-l")).GetProperty("trial");
        Assert.Equal("rolled-back", listed.GetProperty("state").GetString());
        Assert.Equal(0, listed.GetProperty("tries_left").GetInt32());
        Assert.Contains("used up its 2 tries", listed.GetProperty("reason").GetString());
        JsonElement history = Json(Ok(tree, "history", "ice", "--limit", "1")).GetProperty("history")[0];
        Assert.Equal("trial-rollback", history.GetProperty("operation").GetString());

        // Explained, passed over by auto-select, until an explicit select.
        Ok(tree, "deselect", "ice", "--no-hooks");
        JsonElement explained = Json(Ok(tree, "explain", "ice"));
        JsonElement dell = explained.GetProperty("variants").EnumerateArray().Single(v => v.GetProperty("variant").GetString() == "dell");
        Assert.False(dell.GetProperty("eligible").GetBoolean());
        Assert.Contains(dell.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("failed to boot on this host"));
        JsonElement plan = Json(Ok(tree, "auto-select", "--dry-run", "--include-deselected")).GetProperty("plan")[0];
        Assert.Equal("generic", plan.GetProperty("variant").GetString());
        Assert.Contains("passed over: failed to boot on this host", plan.GetProperty("reason").GetString());

        // Settle again: nothing to do.
        Assert.Equal("none", Json(Ok(tree, "trial", "settle", "--no-hooks")).GetProperty("decision").GetString());

        Ok(tree, "select", "ice", "dell", "--no-hooks");
        Assert.False(File.Exists(tree.Path("var/lib/driver-tool/failed-boots")));
        Assert.Equal(0, tree.Run("verify").ExitCode);
    }

    [Fact]
    public void A_kernel_installed_during_a_trial_is_left_alone_and_then_gets_the_previous_selection()
    {
        using HandTree tree = Host();
        string id = Armed(tree);
        const string K3 = "6.3.0-3-amd64";
        tree.Variant(K3, "ice", "generic", ["ice.ko"]).Variant(K3, "ice", "dell", ["ice.ko"], priority: "20");
        // Its package's reconcile does not link the driver on trial in the new kernel.
        Ok(tree, "reconcile", "ice", "--no-hooks");
        Assert.Null(tree.LinkTarget(K3, "ice.ko"));
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K1, "ice.ko"));

        BootedWith(tree, $"rd.driver_tool.trial={id}:failed");
        Ok(tree, "trial", "settle", "--no-hooks");
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K3, "ice.ko"));
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K2, "ice.ko"));
    }

    [Theory]
    [InlineData("ro quiet", "no-token")]
    [InlineData("ro rd.driver_tool.trial={0}:unwritable", "count-unwritable")]
    [InlineData("ro rd.driver_tool.trial=1234-other", "other-trial")]
    public void A_boot_that_did_not_try_the_variant_is_settled_without_marking_it(string commandLine, string reason)
    {
        using HandTree tree = Host();
        string id = Armed(tree);
        BootedWith(tree, string.Format(commandLine, id));

        JsonElement settled = Json(Ok(tree, "trial", "settle", "--no-hooks"));
        Assert.Equal(reason, settled.GetProperty("reason").GetString());
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        Assert.False(File.Exists(tree.Path("var/lib/driver-tool/failed-boots")));
        Assert.Equal("rolled-back", Json(Ok(tree, "trial")).GetProperty("trial").GetProperty("state").GetString());
    }

    [Fact]
    public void Confirm_needs_a_boot_that_tried_the_trial_with_the_variant_active_then_clears_grubenv()
    {
        using HandTree tree = Host();
        string id = Armed(tree);
        ExternalCommand.Check(["grub-editenv", tree.Path($"{Esp}/grubenv"), "set", "other=kept", "dt_tries=2"]);

        ProcessResult untried = tree.Run("trial", "confirm");
        Assert.Equal(11, untried.ExitCode);
        Assert.Contains("this boot did not try trial", untried.Stderr);

        BootedWith(tree, $"ro rd.driver_tool.trial={id} panic_on_oops=1 softlockup_panic=1");
        ProcessResult inactive = tree.Run("trial", "confirm");
        Assert.Equal(11, inactive.ExitCode);
        Assert.Contains("'dell' of 'ice' is not active", inactive.Stderr);

        tree.File("sys/module/ice/notes/.note.XenServer", "");
        File.WriteAllBytes(tree.Path("sys/module/ice/notes/.note.XenServer"), Dmv.Fixtures.NoteWriter.XenServerVariant("dell"));
        JsonElement confirmed = Json(Ok(tree, "trial", "confirm")).GetProperty("trial");
        Assert.Equal("good", confirmed.GetProperty("state").GetString());
        Assert.Equal(2, confirmed.GetProperty("tries_left").GetInt32());
        // Counting stops; grub passes ID:good from now on, which keeps the variant even in an initrd made while it was pending.
        Assert.Equal(["dt_trial=good", $"dt_id={id}", "other=kept"], GrubEnv(tree));
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        Assert.Equal("trial-good", Json(Ok(tree, "history", "ice", "--limit", "1")).GetProperty("history")[0].GetProperty("operation").GetString());
        // Once good, the next trial may be armed; confirm again is no error.
        Ok(tree, "trial", "confirm");
        ContractChecker.AssertAccepted("list", Ok(tree, "-l").Stdout);
    }

    [Fact]
    public void Confirm_with_force_and_rollback_by_hand()
    {
        using HandTree tree = Host();
        string id = Armed(tree);
        Assert.Equal("good", Json(Ok(tree, "trial", "confirm", "--force")).GetProperty("trial").GetProperty("state").GetString());
        Assert.Equal(["dt_trial=good", $"dt_id={id}"], GrubEnv(tree));

        // A driver that had nothing selected: rolled back to the in-tree module, and kept there.
        Ok(tree, "deselect", "ice", "--no-hooks");
        id = Json(Ok(tree, "select", "ice", "dell", "--trial", "--no-hooks")).GetProperty("trial").GetProperty("id").GetString()!;
        JsonElement rolled = Json(Ok(tree, "trial", "rollback", "--no-hooks"));
        Assert.Equal(id, rolled.GetProperty("trial").GetString());
        Assert.Null(tree.LinkTarget(K1, "ice.ko"));
        Assert.Equal(["dt_trial=rolled-back", $"dt_id={id}"], GrubEnv(tree));
        Assert.Equal("ice\n", File.ReadAllText(tree.Path("var/lib/driver-tool/deselected")));
        Assert.Empty(Json(Ok(tree, "auto-select", "--dry-run")).GetProperty("plan").EnumerateArray());
        ProcessResult again = tree.Run("trial", "rollback", "--no-hooks");
        Assert.Equal(0, again.ExitCode);
        Assert.Equal(2, tree.Run("trial", "confirm").ExitCode);
    }

    [Fact]
    public void Verify_reports_a_pending_trial_whose_grub_hook_is_gone()
    {
        using HandTree tree = Host();
        Armed(tree);
        Assert.Equal(0, tree.Run("verify").ExitCode);

        // Another tool rewrote grub.cfg without driver-tool's lines.
        File.WriteAllText(tree.Path($"{Esp}/grub.cfg"), XenServerGrubCfg);
        ProcessResult verify = tree.Run("verify");
        Assert.Equal(117, verify.ExitCode);
        JsonElement problem = Json(verify).GetProperty("problems").EnumerateArray().Single(p => p.GetProperty("kind").GetString() == "trial-hook-missing");
        Assert.Contains("its next boot falls back", problem.GetProperty("detail").GetString());
        Assert.Contains("falls back", Json(Ok(tree, "-l")).GetProperty("trial").GetProperty("reason").GetString());
    }

    [Fact]
    public void A_torn_or_foreign_grubenv_and_a_record_that_is_not_ours()
    {
        using HandTree tree = Host();
        Ok(tree, "select", "ice", "generic", "--no-hooks");
        Ok(tree, "trial", "enable");
        File.WriteAllText(tree.Path($"{Esp}/grubenv"), new string('x', 1024));
        ProcessResult torn = tree.Run("select", "ice", "dell", "--trial", "--no-hooks");
        Assert.Equal(117, torn.ExitCode);
        Assert.Contains("not a grub environment block", torn.Stderr);
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));

        File.Delete(tree.Path($"{Esp}/grubenv"));
        Ok(tree, "select", "ice", "dell", "--trial", "--no-hooks");
        string record = tree.Path("var/lib/driver-tool/trial.json");
        File.SetUnixFileMode(record, (UnixFileMode)0b110_110_110);
        ProcessResult foreign = tree.Run("trial", "rollback", "--no-hooks");
        Assert.Equal(117, foreign.ExitCode);
        Assert.Contains("may be written by other users", foreign.Stderr);
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void Arming_killed_at_any_step_is_finished_or_undone_by_the_next_trial_command()
    {
        var outcomes = new HashSet<string>();
        int step = 1;
        for (; step < 60; step++)
        {
            using HandTree tree = Host();
            Ok(tree, "select", "ice", "generic", "--no-hooks");
            Ok(tree, "trial", "enable");
            ProcessResult crashed = tree.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_CRASH_AFTER"] = step.ToString() }, "select", "ice", "dell", "--trial", "--no-hooks");
            if (crashed.ExitCode == 0)
            {
                break;
            }

            Assert.True(crashed.ExitCode == 137, $"step {step}: {crashed}");
            // The next trial command (here the early boot unit's, in the same boot) finishes or undoes it.
            Ok(tree, "trial", "settle", "--no-hooks");
            JsonElement? trial = Json(Ok(tree, "trial")).GetProperty("trial") is { ValueKind: JsonValueKind.Object } t ? t : null;
            string k1 = tree.LinkTarget(K1, "ice.ko")!, k2 = tree.LinkTarget(K2, "ice.ko")!;
            Assert.True(k1 == k2, $"step {step}: kernels differ: {k1}, {k2}");
            string[] env = File.Exists(tree.Path($"{Esp}/grubenv")) ? GrubEnv(tree) : [];
            if (trial?.GetProperty("state").GetString() == "pending")
            {
                Assert.True(trial.Value.GetProperty("armed").GetBoolean(), $"step {step}");
                Assert.Equal("../dmv/ice/dell/ice.ko", k1);
                Assert.Contains("dt_trial=pending", env);
                outcomes.Add("armed");
            }
            else
            {
                Assert.True(k1 == "../dmv/ice/generic/ice.ko", $"step {step}: {k1}");
                Assert.DoesNotContain("dt_trial=pending", env);
                outcomes.Add("undone");
            }

            Assert.Equal(0, tree.Run("verify").ExitCode);
        }

        Assert.True(step > 4, $"arming took only {step - 1} steps");
        Assert.Equal(["armed", "undone"], outcomes.Order());
    }

    [Fact]
    public void Settling_killed_at_any_step_is_finished_by_running_it_again()
    {
        int step = 1;
        for (; step < 60; step++)
        {
            using HandTree tree = Host();
            string id = Armed(tree);
            ExternalCommand.Check(["grub-editenv", tree.Path($"{Esp}/grubenv"), "set", "dt_trial=failed", "dt_tries=0"]);
            BootedWith(tree, $"rd.driver_tool.trial={id}:failed");
            ProcessResult crashed = tree.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_CRASH_AFTER"] = step.ToString() }, "trial", "settle", "--no-hooks");
            if (crashed.ExitCode == 0)
            {
                break;
            }

            Assert.True(crashed.ExitCode == 137, $"step {step}: {crashed}");
            Ok(tree, "trial", "settle", "--no-hooks");
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K2, "ice.ko"));
            Assert.Equal(["dt_trial=rolled-back", $"dt_id={id}"], GrubEnv(tree));
            Assert.Equal($"ice\tdell\t{id}\n", File.ReadAllText(tree.Path("var/lib/driver-tool/failed-boots")));
            Assert.Equal("rolled-back", Json(Ok(tree, "trial")).GetProperty("trial").GetProperty("state").GetString());
            Assert.Equal(0, tree.Run("verify").ExitCode);
        }

        Assert.True(step > 4, $"settling took only {step - 1} steps");
    }

    [Fact]
    public void A_boot_config_with_dot_components_is_refused_before_anything_is_armed()
    {
        using HandTree tree = Host();
        Ok(tree, "select", "ice", "generic", "--no-hooks");
        Ok(tree, "trial", "enable");
        ProcessResult refused = tree.Run("select", "ice", "dell", "--trial", "--no-hooks", "--boot-config", $"/{Esp}/../xenserver/grub.cfg");
        Assert.Equal(22, refused.ExitCode);
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        Assert.False(File.Exists(tree.Path("var/lib/driver-tool/trial.json")));
    }

    [Fact]
    public void Confirm_killed_at_any_step_is_finished_by_the_next_trial_command()
    {
        int step = 1;
        for (; step < 30; step++)
        {
            using HandTree tree = Host();
            string id = Armed(tree);
            ProcessResult crashed = tree.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_CRASH_AFTER"] = step.ToString() }, "trial", "confirm", "--force", "--no-hooks");
            if (crashed.ExitCode == 0)
            {
                break;
            }

            Assert.True(crashed.ExitCode == 137, $"step {step}: {crashed}");
            // The next boot's settle (a boot that tried the trial) finishes or has nothing to do.
            BootedWith(tree, $"rd.driver_tool.trial={id}");
            Ok(tree, "trial", "settle", "--no-hooks");
            string state = Json(Ok(tree, "trial")).GetProperty("trial").GetProperty("state").GetString()!;
            string[] env = GrubEnv(tree);
            Assert.True(state == "good" ? env.Contains("dt_trial=good") && !env.Any(e => e.StartsWith("dt_tries")) : env.Contains("dt_trial=pending"), $"step {step}: {state}, grubenv {string.Join(' ', env)}");
            Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        }

        Assert.True(step > 1, "confirm took no step");
    }

    [Fact]
    public void An_auto_select_trial_undone_after_a_crash_leaves_no_deselection_behind()
    {
        for (int step = 1; step < 40; step++)
        {
            using HandTree tree = Host();
            Ok(tree, "trial", "enable");
            ProcessResult crashed = tree.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_CRASH_AFTER"] = step.ToString() }, "auto-select", "--trial", "--no-hooks");
            if (crashed.ExitCode == 0)
            {
                break;
            }

            Ok(tree, "trial", "settle", "--no-hooks");
            if (File.Exists(tree.Path("var/lib/driver-tool/deselected")))
            {
                Assert.Fail($"step {step}: deselected holds {File.ReadAllText(tree.Path("var/lib/driver-tool/deselected"))}");
            }
        }
    }

    [Fact]
    public void A_trial_is_not_armed_when_the_initrd_that_must_carry_it_cannot_be_built()
    {
        using HandTree tree = Host();
        Ok(tree, "select", "ice", "generic", "--no-hooks");
        Ok(tree, "trial", "enable");
        SystemTools.CopyInto(tree.Root, "/bin/sh", "/bin/sh");
        tree.File("usr/sbin/dracut", "#!/bin/sh\necho 'dracut: cannot write the image' >&2\nexit 1\n");
        File.SetUnixFileMode(tree.Path("usr/sbin/dracut"), (UnixFileMode)0x1ED);

        ProcessResult select = tree.Run("select", "ice", "dell", "--trial", "--initrd");
        Assert.True(select.ExitCode == 5, select.ToString());
        Assert.Contains("the trial was not armed", select.Stderr);
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        Assert.DoesNotContain("dt_trial=pending", GrubEnv(tree));
    }

    [Fact]
    public void Records_that_are_not_driver_tools_own_stop_writers_and_verify_says_so()
    {
        using HandTree tree = Host();
        Armed(tree);
        File.SetUnixFileMode(tree.Path("var/lib/driver-tool/trial.json"), (UnixFileMode)0b110_110_110);
        ProcessResult select = tree.Run("select", "ice", "generic", "--no-hooks");
        Assert.Equal(117, select.ExitCode);
        ProcessResult verify = tree.Run("verify");
        Assert.Equal(117, verify.ExitCode);
        Assert.Contains(Json(verify).GetProperty("problems").EnumerateArray(), p => p.GetProperty("kind").GetString() == "untrusted-record");

        File.SetUnixFileMode(tree.Path("var/lib/driver-tool/trial.json"), (UnixFileMode)0b110_000_000);
        tree.File("var/lib/driver-tool/failed-boots", "ice\tdell\t1-a\n");
        File.SetUnixFileMode(tree.Path("var/lib/driver-tool/failed-boots"), (UnixFileMode)0b110_110_110);
        Assert.Equal(117, tree.Run("auto-select", "--no-hooks").ExitCode);
    }

    [Fact]
    public void A_count_grub_cannot_step_down_and_a_grubenv_that_is_a_folder()
    {
        using HandTree tree = Host();
        string id = Armed(tree);
        ExternalCommand.Check(["grub-editenv", tree.Path($"{Esp}/grubenv"), "set", "dt_tries=10"]);
        Assert.Contains("dt_tries=10", Json(Ok(tree, "trial")).GetProperty("trial").GetProperty("reason").GetString());

        File.Delete(tree.Path($"{Esp}/grubenv"));
        Directory.CreateDirectory(tree.Path($"{Esp}/grubenv"));
        ProcessResult rollback = tree.Run("trial", "rollback", "--no-hooks");
        Assert.True(rollback.ExitCode == 0, rollback.ToString());
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        Assert.Contains(id, rollback.Stdout);
    }

    [Fact]
    public void An_initrd_made_while_the_trial_was_pending_keeps_the_variant_once_grub_says_it_is_good()
    {
        using HandTree tree = Host();
        string id = Armed(tree);
        // What that initrd holds: the pending record. grub, after the confirm, passes ID:good.
        BootedWith(tree, $"ro rd.driver_tool.trial={id}:good");
        JsonElement boot = Json(Ok(tree, "trial", "boot", "--no-hooks"));
        Assert.Equal("none", boot.GetProperty("decision").GetString());
        Assert.Equal("confirmed", boot.GetProperty("reason").GetString());
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void A_deselected_driver_tried_and_rolled_back_is_deselected_again()
    {
        using HandTree tree = Host();
        Ok(tree, "trial", "enable");
        Ok(tree, "select", "ice", "generic", "--no-hooks");
        Ok(tree, "deselect", "ice", "--no-hooks");
        Ok(tree, "select", "ice", "dell", "--trial", "--no-hooks");
        Assert.False(File.Exists(tree.Path("var/lib/driver-tool/deselected")));
        Ok(tree, "trial", "rollback", "--no-hooks");
        Assert.Equal("ice\n", File.ReadAllText(tree.Path("var/lib/driver-tool/deselected")));
        Assert.Null(tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void A_kernel_installed_during_a_trial_gets_the_confirmed_variant()
    {
        using HandTree tree = Host();
        Armed(tree);
        const string K3 = "6.3.0-3-amd64";
        tree.Variant(K3, "ice", "generic", ["ice.ko"]).Variant(K3, "ice", "dell", ["ice.ko"], priority: "20");
        Ok(tree, "trial", "confirm", "--force", "--no-hooks");
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K3, "ice.ko"));
    }

    [Fact]
    public void Untrusted_failed_boots_stop_a_select_and_grubenv_words_grub_ignores_are_explained()
    {
        using HandTree tree = Host();
        string id = Armed(tree);
        ExternalCommand.Check(["grub-editenv", tree.Path($"{Esp}/grubenv"), "set", "dt_trial=Pending"]);
        Assert.Contains("dt_trial=Pending", Json(Ok(tree, "trial")).GetProperty("trial").GetProperty("reason").GetString());
        Ok(tree, "trial", "rollback", "--no-hooks");

        tree.File("var/lib/driver-tool/failed-boots", $"ice\tdell\t{id}\n");
        File.SetUnixFileMode(tree.Path("var/lib/driver-tool/failed-boots"), (UnixFileMode)0b110_110_110);
        Assert.Equal(117, tree.Run("select", "ice", "dell", "--force", "--no-hooks").ExitCode);
    }
}
