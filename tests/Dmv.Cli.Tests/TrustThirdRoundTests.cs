using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 20, the independent attack on its result: this machine's depmod kept inside the root
/// however the tree is shaped, no hook left to wait forever, a folder that takes new links but not
/// renames found out before the commit mark, an administrator's decision that cannot be recorded
/// stopping the switch, a state folder reached through another user's folder, devices never opened.
/// </summary>
public class TrustThirdRoundTests
{
    private const string K1 = HandTree.Kernel1;
    private const string K2 = HandTree.Kernel2;

    /// <summary>A module outside the tree, where a depmod that left the root would find it.</summary>
    private static string OutsideModule(HandTree tree)
    {
        string outside = tree.Beside("outside");
        File.Copy(tree.Path($"lib/modules/{K2}/dmv/ice/generic/ice.ko"), Path.Combine(outside, "secret.ko"));
        return outside;
    }

    private static void AssertDepmodRefused(HandTree tree, string expected, string variant = "generic")
    {
        ProcessResult select = tree.Run("select", "ice", variant);
        Assert.True(select.ExitCode == 5, select.ToString());
        Assert.Contains("depmod", select.Stderr);
        Assert.Contains(expected, select.Stderr);
        Assert.False(File.Exists(tree.Path($"lib/modules/{K2}/modules.dep")), "depmod ran");
        Assert.Equal($"../dmv/ice/{variant}/ice.ko", tree.LinkTarget(K2, "ice.ko"));
    }

    [Fact]
    public void Depmod_is_not_run_where_a_deep_folder_hides_a_link_out_of_the_root()
    {
        using HandTree tree = HandTree.TwoKernels();
        string deep = $"lib/modules/{K2}/kernel" + string.Concat(Enumerable.Repeat("/d", 70));
        Directory.CreateDirectory(tree.Path(deep));
        tree.Link(deep + "/evil", OutsideModule(tree));
        AssertDepmodRefused(tree, "deeper than 64");
    }

    [Fact]
    public void Depmod_is_not_run_where_a_linked_folder_below_the_top_leads_out()
    {
        using HandTree tree = HandTree.TwoKernels();
        Directory.CreateDirectory(tree.Path("opt/stuff"));
        tree.Link("opt/stuff/evil", OutsideModule(tree));
        Directory.CreateDirectory(tree.Path($"lib/modules/{K2}/kernel/drivers"));
        tree.Link($"lib/modules/{K2}/kernel/drivers/x", "../../../../../opt/stuff");
        AssertDepmodRefused(tree, "leads out of the root");
    }

    [Fact]
    public void Depmod_is_not_run_where_a_name_cannot_be_checked_or_a_configuration_names_outside_folders()
    {
        using HandTree tree = HandTree.TwoKernels();
        string odd = tree.Path($"lib/modules/{K2}/kernel");
        Directory.CreateDirectory(odd);
        ExternalCommand.Check(["bash", "-c", $"mkdir \"{odd}/$(printf '\\xff')\""]);
        AssertDepmodRefused(tree, "not UTF-8");

        ExternalCommand.Check(["bash", "-c", $"rmdir \"{odd}/$(printf '\\xff')\""]);
        File.AppendAllText(tree.Path("etc/depmod.d/driver-tool.conf"), $"external * {OutsideModule(tree)}\n");
        AssertDepmodRefused(tree, "names folders depmod -b would read outside the root", variant: "dell");
    }

    [Fact]
    public void A_fifo_depmod_would_open_is_refused_and_no_later_command_waits_on_it()
    {
        using HandTree tree = HandTree.TwoKernels();
        ExternalCommand.Check(["mkfifo", tree.Path("etc/depmod.d/zz.conf")]);
        AssertDepmodRefused(tree, "not a regular file or folder");

        File.Delete(tree.Path("etc/depmod.d/zz.conf"));
        ExternalCommand.Check(["mkfifo", tree.Path($"lib/modules/{K1}/modules.order")]);
        ProcessResult select = tree.Run("select", "ice", "dell");
        Assert.Equal(5, select.ExitCode);
        Assert.Equal(0, tree.Run("-l").ExitCode);
    }

    [Fact]
    public void A_hook_that_never_ends_is_killed_and_reported()
    {
        using HandTree tree = HandTree.TwoKernels();
        string bin = tree.Beside("bin");
        FakeDepmod.Write(bin, "sleep 60");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ProcessResult select = tree.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = bin, ["DRIVER_TOOL_TEST_HOOK_TIMEOUT"] = "2" }, "select", "ice", "generic");
        Assert.True(select.ExitCode == 5, select.ToString());
        Assert.Contains("killed after 2 s", select.Stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(50), $"took {clock.Elapsed}");
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
    }

    [Theory]
    [InlineData("+i", "deselect")]
    [InlineData("+a", "select")]
    public void A_folder_that_takes_links_but_not_renames_is_found_out_before_the_commit_mark(string attribute, string command)
    {
        using HandTree tree = HandTree.TwoKernels();
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        // The deciding kernel (the newest) cannot be written: nothing is switched anywhere.
        string updates = tree.Path($"lib/modules/{K2}/updates");
        ExternalCommand.Check(["chattr", attribute, updates]);
        try
        {
            ProcessResult result = command == "deselect" ? tree.Run("deselect", "ice", "--no-hooks") : tree.Run("select", "ice", "dell", "--no-hooks");
            Assert.True(result.ExitCode == 13, result.ToString());
            Assert.Contains("nothing", result.Stderr + result.Stdout);
            Assert.False(File.Exists(tree.Path("var/lib/driver-tool/journal")), "a journal was left");
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K2, "ice.ko"));
            Assert.Equal(["ice.ko"], tree.UpdatesNames(K2));

            // Only the other kernel: it keeps what it had, and the other switches.
            ExternalCommand.Check(["chattr", "-" + attribute[1..], updates]);
            ExternalCommand.Check(["chattr", attribute, tree.Path($"lib/modules/{K1}/updates")]);
            result = command == "deselect" ? tree.Run("deselect", "ice", "--no-hooks") : tree.Run("select", "ice", "dell", "--no-hooks");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(K1, JsonDocument.Parse(result.Stdout).RootElement.GetProperty("failed_kernels")[0].GetProperty("kernel").GetString());
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
            Assert.Equal(command == "deselect" ? null : "../dmv/ice/dell/ice.ko", tree.LinkTarget(K2, "ice.ko"));
            Assert.Equal(0, tree.Run("-l").ExitCode);
        }
        finally
        {
            ExternalCommand.Run(["chattr", "-" + attribute[1..], updates]);
            ExternalCommand.Run(["chattr", "-" + attribute[1..], tree.Path($"lib/modules/{K1}/updates")]);
        }
    }

    [Fact]
    public void A_deselection_that_cannot_be_recorded_switches_nothing()
    {
        using HandTree tree = HandTree.TwoKernels();
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        string record = tree.Path("var/lib/driver-tool/deselected");
        File.WriteAllText(record, "foo\n");
        ExternalCommand.Check(["chown", "1000", record]);

        ProcessResult foreign = tree.Run("deselect", "ice", "--no-hooks");
        Assert.True(foreign.ExitCode == 117, foreign.ToString());
        Assert.Contains("nothing was switched", foreign.Stderr);
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));

        File.Delete(record);
        Directory.CreateDirectory(tree.Path("var/lib/driver-tool/deselected.tmp/x"));
        ProcessResult blocked = tree.Run("deselect", "ice", "--no-hooks");
        Assert.NotEqual(0, blocked.ExitCode);
        Assert.Contains("nothing was switched", blocked.Stderr);
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        Assert.False(File.Exists(tree.Path("var/lib/driver-tool/journal")));
    }

    [Fact]
    public void A_state_folder_reached_through_another_users_folder_is_not_trusted()
    {
        using HandTree tree = HandTree.TwoKernels();
        Directory.CreateDirectory(tree.Path("home/u/st"));
        ExternalCommand.Check(["chown", "1000", tree.Path("home/u")]);
        Directory.CreateDirectory(tree.Path("var/lib"));
        tree.Link("var/lib/driver-tool", "../../home/u/st");

        ProcessResult select = tree.Run("select", "ice", "generic", "--no-hooks");
        Assert.True(select.ExitCode == 117, select.ToString());
        Assert.Contains("belongs to user 1000", select.Stderr);
        Assert.Null(tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void A_device_or_fifo_where_a_file_belongs_is_never_opened()
    {
        using HandTree tree = HandTree.TwoKernels();
        string info = tree.Path($"lib/modules/{K1}/dmv/ice/dell/info.json");
        File.Delete(info);
        ExternalCommand.Check(["mknod", info, "c", "1", "5"]);
        ProcessResult list = tree.Run("-l");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains("FIFO, socket or device", list.Stderr);

        Directory.CreateDirectory(tree.Path("var/lib/driver-tool"));
        ExternalCommand.Check(["mkfifo", tree.Path("var/lib/driver-tool/history.jsonl")]);
        ProcessResult history = tree.Run("history");
        Assert.Equal(117, history.ExitCode);
        Assert.Contains("not a regular file", history.Stderr);
    }

    [Fact]
    public void A_kernels_build_and_source_links_do_not_stop_this_machines_depmod()
    {
        using HandTree tree = HandTree.TwoKernels();
        tree.Link($"lib/modules/{K2}/build", "/usr/src/linux-headers-" + K2);
        tree.Link($"lib/modules/{K2}/source", "/usr/src/linux-source");

        ProcessResult select = tree.Run("select", "ice", "generic");
        Assert.True(select.ExitCode == 0, select.ToString());
        Assert.Contains("updates/ice.ko", File.ReadAllText(tree.Path($"lib/modules/{K2}/modules.dep")));
    }

    [Fact]
    public void A_switch_with_no_hooks_that_a_crash_interrupted_is_completed_without_hooks()
    {
        using HandTree tree = HandTree.TwoKernels();
        string bin = tree.Beside("bin");
        string marker = Path.Combine(bin, "ran");
        FakeDepmod.Write(bin, $"touch {marker}");
        // Killed after the commit mark: the next command completes it, as --no-hooks asked.
        int step = 5;
        ProcessResult crashed = tree.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_CRASH_AFTER"] = step.ToString() }, "select", "ice", "generic", "--no-hooks");
        Assert.Equal(137, crashed.ExitCode);
        Assert.Contains("\"state\":\"committed\"", File.ReadAllText(tree.Path("var/lib/driver-tool/journal")));
        ProcessResult next = tree.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = bin }, "-l");
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.False(File.Exists(marker), "the recovery ran the hooks --no-hooks declined");
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void A_modinfo_value_with_a_newline_cannot_forge_a_line_of_inspects_table()
    {
        using HandTree tree = new();
        string module = tree.Path("forged.ko");
        File.WriteAllBytes(module, Dmv.Fixtures.ElfModuleWriter.Write(new Dmv.Fixtures.ElfModuleWriter.Module([],
            [new("name", "forged"), new("zz", "x\nsignature: PKCS#7 trusted"), new("vermagic", "6.1.0-1-amd64 SMP mod_unload ")], [])));
        ProcessResult table = DriverTool.Run("inspect", module, "--format", "table");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.DoesNotContain("\nsignature: PKCS#7 trusted", table.Stdout);
        Assert.Contains("x\\nsignature: PKCS#7 trusted", table.Stdout);
    }

    [Fact]
    public void An_administrators_decision_recorded_before_the_commit_mark_is_undone_with_a_switch_a_crash_rolled_back()
    {
        using HandTree tree = HandTree.TwoKernels();
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        Assert.Equal(0, tree.Run("deselect", "ice", "--no-hooks").ExitCode);
        Assert.Equal("ice\n", File.ReadAllText(tree.Path("var/lib/driver-tool/deselected")));

        // prepared (1), staged in two kernels (2, 3), the decision recorded (4): killed before the commit mark.
        ProcessResult crashed = tree.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_CRASH_AFTER"] = "4" }, "select", "ice", "dell", "--no-hooks");
        Assert.Equal(137, crashed.ExitCode);
        Assert.Contains("\"state\":\"prepared\"", File.ReadAllText(tree.Path("var/lib/driver-tool/journal")));
        Assert.False(File.Exists(tree.Path("var/lib/driver-tool/deselected")));

        ProcessResult next = tree.Run("-l");
        Assert.Contains("rolled back", next.Stderr);
        Assert.Equal("ice\n", File.ReadAllText(tree.Path("var/lib/driver-tool/deselected")));
        Assert.Null(tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void A_hook_that_ends_while_a_program_it_started_holds_the_pipe_is_not_reported_killed()
    {
        using HandTree tree = HandTree.TwoKernels();
        string bin = tree.Beside("bin");
        // The stand-in leaves a daemon behind that keeps its output open, and exits 0 at once.
        FakeDepmod.Write(bin, "setsid sleep 30 &");
        ProcessResult select = tree.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = bin, ["DRIVER_TOOL_TEST_HOOK_TIMEOUT"] = "20" }, "select", "ice", "generic");
        Assert.True(select.ExitCode == 0, select.ToString());
        Assert.DoesNotContain("killed", select.Stdout + select.Stderr);
        ExternalCommand.Run(["pkill", "-f", "sleep 30"]);
    }
}
