using System.Text;
using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 20's smaller findings and what the attack on issue 19 found: each a case a hostile or
/// unlucky host gives, through the published binary (the test build where a crash point is needed).
/// </summary>
public class HostileDetailTests
{
    private const string K1 = HandTree.Kernel1;
    private const string K2 = HandTree.Kernel2;

    [Fact]
    public void A_folder_above_the_state_folder_that_another_user_owns_is_not_trusted()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Directory.CreateDirectory(tree.Path("var/lib"));
        ExternalCommand.Check(["chown", "65534", tree.Path("var/lib")]);

        ProcessResult select = tree.Run("select", "ice", "generic", "--no-hooks");

        Assert.Equal(117, select.ExitCode);
        Assert.Contains("var/lib: belongs to user 65534", select.Stderr);
        Assert.Null(tree.LinkTarget(K2, "ice.ko"));

        ExternalCommand.Check(["chown", "0", tree.Path("var/lib")]);
        ExternalCommand.Check(["chown", "65534", tree.Root]);
        ProcessResult rootOwned = tree.Run("select", "ice", "generic", "--no-hooks");
        Assert.Equal(117, rootOwned.ExitCode);
        Assert.Contains("belongs to user 65534", rootOwned.Stderr);
    }

    [Fact]
    public void A_reply_that_cannot_be_written_after_a_switch_says_so_with_its_own_status()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);

        ProcessResult result = ExternalCommand.Run(["sh", "-c", $"exec {ToolPaths.DriverTool} --root {tree.Root} --lspci {tree.LspciFile} select ice generic --no-hooks > /dev/full"]);

        Assert.Equal(32, result.ExitCode);
        Assert.Contains("whatever the command changed is done", result.Stderr);
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K2, "ice.ko"));

        ProcessResult inspect = ExternalCommand.Run(["sh", "-c", $"exec {ToolPaths.DriverTool} inspect {tree.Path($"lib/modules/{K2}/dmv/ice/generic/ice.ko")} > /dev/full"]);
        Assert.Equal(32, inspect.ExitCode);
        Assert.DoesNotContain("unexpected", inspect.Stderr);
        Assert.Single(inspect.StderrLines);
    }

    [Fact]
    public void Verify_reports_an_updates_folder_that_leads_out_of_the_root()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Directory.Delete(tree.Path($"lib/modules/{K1}/updates"));
        tree.Link($"lib/modules/{K1}/updates", "../../../../../../../../../../tmp");

        ProcessResult verify = tree.Run("verify");

        Assert.Equal(117, verify.ExitCode);
        Assert.Contains("unreadable-updates", verify.Stdout);
        Assert.Contains("leads outside the root", verify.Stdout);
    }

    [Fact]
    public void Names_with_control_or_bidi_characters_and_duplicate_keys_are_refused_in_info_json()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        tree.File($"lib/modules/{K2}/dmv/bell/x/info.json", """{"category":"network","name":"bell\u0007ring","description":"d","variant":"x","version":"1","priority":1,"status":"production","pci_ids":{}}""");
        tree.File($"lib/modules/{K2}/dmv/rtl/x/info.json", """{"category":"network","name":"rtl","description":"d","variant":"x\u202Eevil","version":"1","priority":1,"status":"production","pci_ids":{}}""");
        tree.File($"lib/modules/{K2}/dmv/twice/x/info.json", """{"category":"network","name":"twice","description":"d","variant":"x","version":"1","priority":1,"priority":90,"status":"production","pci_ids":{}}""");

        ProcessResult list = tree.Run("-l");

        JsonElement drivers = JsonDocument.Parse(list.Stdout).RootElement.GetProperty("drivers");
        Assert.Equal(["ice", "mlx"], drivers.EnumerateObject().Select(d => d.Name).Order());
        Assert.Contains("bell/x/info.json: 'name' holds the character U+0007", list.Stderr);
        Assert.Contains("rtl/x/info.json: 'variant' holds the character U+202E", list.Stderr);
        Assert.Contains("twice/x/info.json: 'priority' appears twice", list.Stderr);
    }

    [Fact]
    public void What_the_tree_says_reaches_a_terminal_escaped()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        string info = tree.Path($"lib/modules/{K2}/dmv/mlx/generic/info.json");
        File.WriteAllText(info, File.ReadAllText(info).Replace("\"mlx driver\"", "\"evil \\u001b[31mred\\u0007 \\u202Etxt.exe\"").Replace("\"1.0\"", "\"1.0\\u001b]0;title\\u0007\""));

        ProcessResult table = tree.Run("list", "--format", "table");
        ProcessResult explain = tree.Run("explain", "mlx", "--format", "table");

        Assert.True(table.ExitCode == 0, table.ToString());
        foreach (string text in new[] { table.Stdout, explain.Stdout })
        {
            Assert.DoesNotContain('\u001b', text);
            Assert.DoesNotContain('\u0007', text);
            Assert.DoesNotContain('\u202E', text);
        }

        Assert.Contains("1.0\\x1b]0;title\\x07", table.Stdout);
    }

    [Fact]
    public void Lspci_input_is_bounded_whatever_is_fed_in()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);

        ProcessResult zero = ExternalCommand.Run(["/usr/bin/time", "-f", "%M", ToolPaths.DriverTool, "--root", tree.Root, "--lspci", "/dev/zero", "-l"], timeoutSeconds: 30);
        Assert.Equal(27, zero.ExitCode);
        Assert.Contains("--lspci /dev/zero: more than 16 MiB", zero.Stderr);
        Assert.True(long.Parse(zero.StderrLines[^1]) < 64 * 1024, zero.ToString());

        // 300 MB of valid lines: refused at the bound, in bounded memory, with a bounded number of warnings.
        string many = tree.Beside("lspci") + "/many.txt";
        ExternalCommand.Check(["sh", "-c", $"yes '{HandTree.Nic.Replace("'", "'\\''")}' | head -c 300000000 > {many}"]);
        ProcessResult big = ExternalCommand.Run(["/usr/bin/time", "-f", "%M", ToolPaths.DriverTool, "--root", tree.Root, "--lspci", many, "-l"], timeoutSeconds: 60);
        Assert.Equal(27, big.ExitCode);
        Assert.True(long.Parse(big.StderrLines[^1]) < 128 * 1024, big.ToString());

        string bad = tree.Beside("bad") + "/bad.txt";
        File.WriteAllText(bad, string.Concat(Enumerable.Repeat("not an lspci line\n", 5000)) + HandTree.Nic + "\n");
        ProcessResult noisy = DriverTool.Run("--root", tree.Root, "--lspci", bad, "-l");
        Assert.True(noisy.ExitCode == 0, noisy.ToString());
        Assert.InRange(noisy.StderrLines.Length, 100, 102);
        Assert.Contains("4900 more bad lines skipped", noisy.Stderr);
    }

    [Fact]
    public void A_hooks_lock_held_elsewhere_is_said_plainly()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Assert.Equal(0, tree.Run("select", "mlx", "generic", "--no-hooks").ExitCode);
        var holder = new System.Diagnostics.ProcessStartInfo("flock") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in new[] { tree.Path("var/lib/driver-tool/hooks.lock"), "sleep", "30" })
        {
            holder.ArgumentList.Add(arg);
        }

        using var process = System.Diagnostics.Process.Start(holder)!;
        try
        {
            Thread.Sleep(300);
            ProcessResult select = tree.Run("select", "ice", "generic", "--lock-timeout", "0.5");
            Assert.Equal(5, select.ExitCode);
            Assert.Contains("but the hooks did not run for kernel", select.Stderr);
            Assert.DoesNotContain("()", select.Stderr);
        }
        finally
        {
            process.Kill();
            process.WaitForExit();
        }
    }

    [Fact]
    public void Reconcile_names_a_kernel_whose_links_it_removes()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Assert.Equal(0, tree.Run("select", "ice", "dell", "--no-hooks").ExitCode);
        Directory.Delete(tree.Path($"lib/modules/{K1}/dmv/ice/dell"), recursive: true);

        ProcessResult reconcile = tree.Run("reconcile", "ice", "--no-hooks");

        JsonElement action = JsonDocument.Parse(reconcile.Stdout).RootElement.GetProperty("reconciled")[0];
        JsonElement failed = Assert.Single(action.GetProperty("failed_kernels").EnumerateArray());
        Assert.Equal(K1, failed.GetProperty("kernel").GetString());
        Assert.Null(tree.LinkTarget(K1, "ice.ko"));
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K2, "ice.ko"));
    }

    [Fact]
    public void A_switch_killed_after_its_links_keeps_its_history_its_decision_and_its_hooks()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        string bin = tree.Beside("bin");
        string log = Path.Combine(bin, "depmod.log");
        FakeDepmod.Write(bin, "", log);
        var seams = new Dictionary<string, string> { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = bin };
        Assert.Equal(0, tree.RunWith(seams, "select", "ice", "generic").ExitCode);
        File.Delete(log);

        // The deselect's last step: links removed, history written, journal become its hooks' record; then killed.
        int last = 0;
        for (int step = 1; step < 40; step++)
        {
            using HandTree probe = HandTree.TwoKernels(withMlx: true);
            Assert.Equal(0, probe.Run("select", "ice", "generic", "--no-hooks").ExitCode);
            if (probe.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_CRASH_AFTER"] = step.ToString() }, "deselect", "ice").ExitCode == 0)
            {
                last = step - 1;
                break;
            }
        }

        Assert.True(last > 2, "the deselect's steps were not found");
        ProcessResult killed = tree.RunWith(new Dictionary<string, string>(seams) { ["DRIVER_TOOL_TEST_CRASH_AFTER"] = last.ToString() }, "deselect", "ice");
        Assert.Equal(137, killed.ExitCode);
        Assert.Single(Directory.GetFiles(tree.Path("var/lib/driver-tool"), "hooks-*"));

        ProcessResult next = tree.RunWith(seams, "auto-select", "--dry-run");

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.DoesNotContain("\"ice\"", next.Stdout);
        Assert.Empty(Directory.GetFiles(tree.Path("var/lib/driver-tool"), "hooks-*"));
        Assert.Equal(2, File.ReadAllLines(log).Length);
        string[] history = File.ReadAllLines(tree.Path("var/lib/driver-tool/history.jsonl"));
        Assert.Equal(["select", "deselect"], history.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("operation").GetString()));
        Assert.Equal("ice\n", File.ReadAllText(tree.Path("var/lib/driver-tool/deselected")));
    }

    [Fact]
    public void History_of_exactly_its_limit_is_read_and_bad_lines_are_counted_not_listed()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        string path = tree.Path("var/lib/driver-tool/history.jsonl");
        string line = File.ReadAllText(path);
        var padding = new StringBuilder();
        while (padding.Length < (16 << 20) - line.Length - 10)
        {
            padding.Append("x\n");
        }

        File.WriteAllText(path, padding.ToString().PadRight((16 << 20) - line.Length, '\n') + line);
        Assert.Equal(16 << 20, new FileInfo(path).Length);

        ProcessResult history = ExternalCommand.Run(["/usr/bin/time", "-f", "%M", ToolPaths.DriverTool, "--root", tree.Root, "history", "--limit", "1"], timeoutSeconds: 60);

        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Equal("generic", JsonDocument.Parse(history.Stdout).RootElement.GetProperty("history")[0].GetProperty("variant").GetString());
        Assert.True(long.Parse(history.StderrLines[^1]) < 256 * 1024, history.ToString());
        Assert.True(history.StderrLines.Length < 10, $"{history.StderrLines.Length} lines on stderr");
    }

    [Fact]
    public void An_absolute_dmv_link_that_cannot_be_rewritten_is_still_reported()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        // K1's link points into K2's catalog: not its own kernel's dmv/, so it is not rewritten, but it is no less absolute.
        tree.Link($"lib/modules/{K1}/updates/ice.ko", $"/lib/modules/{K2}/dmv/ice/generic/ice.ko");

        ProcessResult verify = tree.Run("verify");
        ProcessResult repair = tree.Run("verify", "--repair");

        Assert.Equal(117, verify.ExitCode);
        Assert.Contains("absolute-link", verify.Stdout);
        Assert.Contains("not rewritten", verify.Stdout);
        Assert.Equal(117, repair.ExitCode);
        Assert.Equal($"/lib/modules/{K2}/dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void A_link_through_a_file_and_back_is_broken_as_the_kernel_sees_it()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        tree.Link($"lib/modules/{K1}/updates/ice.ko", "../dmv/ice/dell/ice.ko/../ice.ko");

        ProcessResult list = tree.Run("-l");
        ProcessResult verify = tree.Run("verify");

        Assert.Contains("Not a directory", list.Stderr);
        Assert.Equal(117, verify.ExitCode);
        Assert.Contains("dangling-link", verify.Stdout);
    }

    [Fact]
    public void On_a_merged_usr_root_this_machines_depmod_runs()
    {
        using var tree = new HandTree();
        Directory.CreateDirectory(tree.Path("usr/lib"));
        tree.Link("lib", "usr/lib");
        tree.Variant(K2, "ice", "generic", ["ice.ko"]);

        ProcessResult select = tree.Run("select", "ice", "generic");

        Assert.True(select.ExitCode == 0, select.ToString());
        Assert.Contains("updates/ice.ko:", File.ReadAllText(tree.Path($"usr/lib/modules/{K2}/modules.dep")));
    }

    [Fact]
    public void A_write_refused_before_the_commit_does_not_say_committed()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        string updates = tree.Path($"lib/modules/{K2}/updates");
        ExternalCommand.Check(["mount", "--bind", updates, updates]);
        try
        {
            ExternalCommand.Check(["mount", "-o", "remount,bind,ro", updates]);
            ProcessResult select = tree.Run("select", "ice", "dell", "--no-hooks");

            Assert.Equal(30, select.ExitCode);
            Assert.DoesNotContain("committed", select.Stderr);
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K2, "ice.ko"));
        }
        finally
        {
            ExternalCommand.Run(["umount", updates]);
        }

        Assert.Equal(0, tree.Run("verify").ExitCode);
    }

    [Fact]
    public void Writers_refuse_a_deselection_record_that_is_not_driver_tools()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Assert.Equal(0, tree.Run("deselect", "ice", "--no-hooks").ExitCode);
        ExternalCommand.Check(["chown", "65534", tree.Path("var/lib/driver-tool/deselected")]);

        ProcessResult auto = tree.Run("auto-select", "--no-hooks");
        ProcessResult plan = tree.Run("auto-select", "--dry-run");

        Assert.Equal(117, auto.ExitCode);
        Assert.Contains("deselected", auto.Stderr);
        Assert.Null(tree.LinkTarget(K2, "ice.ko"));
        Assert.True(plan.ExitCode == 0, plan.ToString());
    }

    [Fact]
    public void A_user_who_is_not_root_is_told_which_record_they_cannot_read()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        File.SetUnixFileMode(tree.Path("var/lib/driver-tool/history.jsonl"), (UnixFileMode)0x180);

        ProcessResult history = tree.RunAsNobody("history");
        Assert.Equal(13, history.ExitCode);
        Assert.Contains("history.jsonl: Permission denied", history.Stderr);

        File.SetUnixFileMode(tree.Path("var/lib/driver-tool"), (UnixFileMode)0x1C0);
        ProcessResult closed = tree.RunAsNobody("history");
        Assert.Equal(13, closed.ExitCode);
        Assert.Contains("var/lib/driver-tool: Permission denied", closed.Stderr);

        ProcessResult select = tree.RunAsNobody("select", "ice", "dell", "--no-hooks");
        Assert.Equal(13, select.ExitCode);
        Assert.DoesNotContain("cannot create ", select.Stderr);
        Assert.Contains("needs root", select.Stderr);
    }
}
