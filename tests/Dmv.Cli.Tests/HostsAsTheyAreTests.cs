using System.Text.Json;
using System.Text.RegularExpressions;

namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 19: hosts as they are — users who are not root, a verify that tells the truth, the history,
/// where the binary runs and what it needs.
/// </summary>
public class HostsAsTheyAreTests
{
    private const string K1 = HandTree.Kernel1;
    private const string K2 = HandTree.Kernel2;

    [Fact]
    public void A_switch_or_repair_by_a_user_who_is_not_root_is_EACCES_saying_it_needs_root()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);

        ProcessResult select = tree.RunAsNobody("select", "ice", "dell", "--no-hooks");
        ProcessResult repair = tree.RunAsNobody("verify", "--repair");

        Assert.Equal(13, select.ExitCode);
        ContractChecker.AssertAccepted("error", select.Stdout);
        Assert.Contains("needs root", Assert.Single(select.StderrLines));
        Assert.DoesNotContain("trusts only its own state", select.Stderr);
        Assert.Equal(13, repair.ExitCode);
        Assert.Contains("needs root", repair.Stderr);
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void Reading_commands_by_any_user_honour_roots_deselection_record_as_roots_do()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Assert.Equal(0, tree.Run("deselect", "ice", "--no-hooks").ExitCode);

        ProcessResult rootPlan = tree.Run("auto-select", "--dry-run");
        ProcessResult userPlan = tree.RunAsNobody("auto-select", "--dry-run");
        ProcessResult rootExplain = tree.Run("explain", "ice");
        ProcessResult userExplain = tree.RunAsNobody("explain", "ice");

        Assert.True(userPlan.ExitCode == 0, userPlan.ToString());
        Assert.Equal(rootPlan.Stdout, userPlan.Stdout);
        Assert.DoesNotContain("\"ice\"", userPlan.Stdout);
        Assert.Equal(rootExplain.Stdout, userExplain.Stdout);
        Assert.Contains("deselect", JsonDocument.Parse(userExplain.Stdout).RootElement.GetProperty("auto_select").GetString());
        Assert.True(userPlan.StderrLines.Length <= 1, userPlan.Stderr);
        Assert.Equal("", userExplain.Stderr);
    }

    [Fact]
    public void Verify_of_a_name_that_is_not_installed_is_ENOENT_with_the_installed_ones()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);

        ProcessResult unknown = tree.Run("verify", "icee");
        ProcessResult known = tree.Run("verify", "ice");

        Assert.Equal(2, unknown.ExitCode);
        ContractChecker.AssertAccepted("error", unknown.Stdout);
        Assert.Contains("unknown driver 'icee'; drivers here: ice", unknown.Stderr);
        Assert.True(known.ExitCode == 0, known.ToString());

        // A driver whose catalog a package removed is still verified by the folder its links lead into.
        tree.Link($"lib/modules/{K1}/updates/gone.ko", "../dmv/gone/generic/gone.ko");
        ProcessResult gone = tree.Run("verify", "gone");
        Assert.Equal(117, gone.ExitCode);
        Assert.Contains("dangling-link", gone.Stdout);
    }

    [Fact]
    public void Verify_reports_a_modules_dep_that_indexes_dmv_and_repair_writes_it_again_with_the_real_depmod()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        File.Delete(tree.Path("etc/depmod.d/driver-tool.conf"));
        // What a host has after depmod ran before "exclude dmv" was configured.
        ExternalCommand.Check(["depmod", "-a", "-b", tree.Root, "-C", tree.Path("etc/depmod.d"), K1]);
        Assert.Contains("dmv/", File.ReadAllText(tree.Path($"lib/modules/{K1}/modules.dep")));

        ProcessResult found = tree.Run("verify");
        Assert.Equal(117, found.ExitCode);
        string[] kinds = JsonDocument.Parse(found.Stdout).RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("kind").GetString()!).ToArray();
        Assert.Contains("dmv-not-excluded-from-depmod", kinds);
        Assert.Contains("modules-dep-indexes-dmv", kinds);

        ProcessResult repaired = tree.Run("verify", "--repair");
        Assert.True(repaired.ExitCode == 0, repaired.ToString());
        Assert.DoesNotContain("dmv/", File.ReadAllText(tree.Path($"lib/modules/{K1}/modules.dep")));
        Assert.Equal(0, tree.Run("verify").ExitCode);
        ProcessResult modinfo = ExternalCommand.Run(["modinfo", "-b", tree.Root, "-k", K1, "-n", "ice"]);
        Assert.NotEqual(0, modinfo.ExitCode);
    }

    [Fact]
    public void History_lists_switches_newest_first_by_driver_and_limit_and_writes_plus_as_itself()
    {
        const string Plus = "4.19.0+3";
        using HandTree tree = new HandTree().Variant(Plus, "ice", "generic", ["ice.ko"]).Variant(Plus, "ice", "dell", ["ice.ko"], subVendor: "1028").Variant(Plus, "mlx", "generic", ["mlx.ko"]);
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        Assert.Equal(0, tree.Run("select", "mlx", "generic", "--no-hooks").ExitCode);
        Assert.Equal(0, tree.Run("select", "ice", "dell", "--no-hooks").ExitCode);
        Assert.Equal(0, tree.Run("deselect", "ice", "--no-hooks").ExitCode);

        string file = File.ReadAllText(tree.Path("var/lib/driver-tool/history.jsonl"));
        Assert.Contains($"\"{Plus}\"", file);
        Assert.DoesNotContain("\\u002B", file);

        JsonElement[] all = History(tree.Run("history"));
        Assert.Equal(["deselect", "select", "select", "select"], all.Select(e => e.GetProperty("operation").GetString()));
        Assert.Equal(["ice", "mlx", "ice"], all.Skip(1).Select(e => e.GetProperty("driver").GetString()));
        JsonElement[] ice = History(tree.Run("history", "ice", "--limit", "2"));
        Assert.Equal([(string?)null, "dell"], ice.Select(e => e.GetProperty("variant").GetString()));
        Assert.Equal([Plus], ice[1].GetProperty("kernels").EnumerateArray().Select(k => k.GetString()));

        ProcessResult table = tree.Run("history", "--format", "table", "--limit", "1");
        Assert.Matches("^TIME +OPERATION +DRIVER +VARIANT +KERNELS +ID\n[0-9T:.-]+Z +deselect +ice +- +4.19.0\\+3 ", table.Stdout);
        ProcessResult unknown = tree.Run("history", "icee");
        Assert.Equal(2, unknown.ExitCode);
        Assert.Contains("drivers here: ice", unknown.Stderr);
        Assert.Equal(22, tree.Run("history", "--limit", "0").ExitCode);
    }

    [Fact]
    public void A_history_line_a_power_cut_tore_is_passed_over_and_the_next_record_starts_a_line_of_its_own()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        File.AppendAllText(tree.Path("var/lib/driver-tool/history.jsonl"), "{\"time\":\"2026-12-0");
        Assert.Equal(0, tree.Run("select", "ice", "dell", "--no-hooks").ExitCode);

        string[] lines = File.ReadAllLines(tree.Path("var/lib/driver-tool/history.jsonl"));
        Assert.Equal(3, lines.Length);
        Assert.Equal("{\"time\":\"2026-12-0", lines[1]);
        ProcessResult history = tree.Run("history");
        Assert.True(history.ExitCode == 0, history.ToString());
        Assert.Equal(["dell", "generic"], History(history).Select(e => e.GetProperty("variant").GetString()));
        Assert.Contains("line 2 is not a history record; skipped", history.Stderr);
    }

    [Fact]
    public void List_NAME_keeps_the_hosts_reboot_flag()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        // mlx selected with its hardware present and not loaded: the host needs a reboot; ice has nothing selected.
        Assert.Equal(0, tree.Run("select", "mlx", "generic", "--no-hooks").ExitCode);

        bool host = JsonDocument.Parse(tree.Run("-l").Stdout).RootElement.GetProperty("operation").GetProperty("reboot").GetBoolean();
        bool named = JsonDocument.Parse(tree.Run("-l", "ice").Stdout).RootElement.GetProperty("operation").GetProperty("reboot").GetBoolean();

        Assert.True(host);
        Assert.Equal(host, named);
        Assert.Contains("reboot pending", tree.Run("list", "ice", "--format", "table").Stdout);
    }

    [Fact]
    public void The_binary_needs_no_glibc_symbol_version_above_2_34()
    {
        ProcessResult symbols = ExternalCommand.Check(["objdump", "-T", ToolPaths.DriverTool]);
        var versions = Regex.Matches(symbols.Stdout, @"GLIBC_([0-9]+)\.([0-9]+)").Select(m => (int.Parse(m.Groups[1].Value), int.Parse(m.Groups[2].Value))).Distinct().ToList();

        Assert.NotEmpty(versions);
        (int major, int minor) newest = versions.Max();
        Assert.True(newest.CompareTo((2, 34)) <= 0, $"the binary needs GLIBC_{newest.major}.{newest.minor}, above the 2.34 the README and the RPM promise");
    }

    [Fact]
    public void A_missing_liblzma_is_named_with_its_own_exit_status()
    {
        // A system with only the C library (as an installer's minimal root): no liblzma.so.5.
        using HandTree root = new HandTree().Variant(K1, "ice", "generic", ["ice.ko"]);
        foreach (string library in new[] { "/lib/x86_64-linux-gnu/libc.so.6", "/lib/x86_64-linux-gnu/libm.so.6", "/lib64/ld-linux-x86-64.so.2" })
        {
            Directory.CreateDirectory(root.Path(Path.GetDirectoryName(library)!));
            File.Copy(new FileInfo(library).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? library, root.Path(library));
        }

        Directory.CreateDirectory(root.Path("usr/sbin"));
        File.Copy(ToolPaths.DriverTool, root.Path("usr/sbin/driver-tool"));
        string module = root.Path($"lib/modules/{K1}/dmv/ice/generic/ice.ko");
        ExternalCommand.Check(["xz", "--check=crc32", module]);
        root.File("lspci.txt", HandTree.Nic + "\n");

        ProcessResult inspect = ExternalCommand.Run(["chroot", root.Root, "/usr/sbin/driver-tool", "inspect", $"/lib/modules/{K1}/dmv/ice/generic/ice.ko.xz"]);
        ProcessResult select = ExternalCommand.Run(["chroot", root.Root, "/usr/sbin/driver-tool", "--lspci", "/lspci.txt", "select", "ice", "generic", "--no-hooks"]);

        Assert.Equal(79, inspect.ExitCode);
        Assert.Contains("liblzma.so.5 is not installed", inspect.Stderr + inspect.Stdout);
        Assert.Equal(79, select.ExitCode);
        ContractChecker.AssertAccepted("error", select.Stdout);
        Assert.Contains($"cannot read /lib/modules/{K1}/dmv/ice/generic/ice.ko.xz: liblzma.so.5 is not installed", select.Stderr);
    }

    [Fact]
    public void The_readme_names_every_package_setup_installs_and_where_shared_comes_from()
    {
        string readme = File.ReadAllText(Path.Combine(ToolPaths.RepositoryRoot, "README.md"));
        string setup = File.ReadAllText(Path.Combine(ToolPaths.RepositoryRoot, "scripts/setup-machine.sh"));

        string[] packages = Regex.Matches(setup, @"need\+=\(([a-z0-9.+-]+)\)").Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.True(packages.Length > 10, string.Join(' ', packages));
        NonEmpty.All(packages, package => Assert.Contains($"`{package}`", readme));
        Assert.Contains("## Where it runs", readme);
        Assert.Contains("`../shared` beside the clone**: the project's shared folder", readme);
    }

    private static JsonElement[] History(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("history").EnumerateArray().ToArray();
    }
}
