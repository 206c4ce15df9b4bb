using System.Text.Json;
using Dmv.Fixtures;

namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 13: what a person gets. --format table (or DRIVER_TOOL_FORMAT=table) for every command, a
/// terminal's indented JSON and single error line, while a pipe still gets today's compact JSON.
/// </summary>
public class HumanOutputTests
{
    private const string K1 = HandTree.Kernel1;
    private const string K2 = HandTree.Kernel2;

    private static readonly Dictionary<string, string> TableByEnvironment = new() { ["DRIVER_TOOL_FORMAT"] = "table" };

    [Fact]
    public void Select_and_deselect_print_one_line_per_change()
    {
        using HandTree tree = HandTree.TwoKernels();

        ProcessResult selected = tree.Run("select", "ice", "dell", "--no-hooks", "--format", "table");
        ProcessResult again = tree.RunWith(TableByEnvironment, "select", "ice", "dell", "--no-hooks");
        ProcessResult deselected = tree.Run("deselect", "ice", "--no-hooks", "--format", "table");

        Assert.True(selected.ExitCode == 0, selected.ToString());
        Assert.Equal($"selected dell for ice in {K2}, {K1}; hooks skipped; reboot needed\n", selected.Stdout);
        Assert.Equal("", selected.Stderr);
        Assert.Equal("dell was already selected for ice; nothing changed; no hooks run; reboot needed\n", again.Stdout);
        Assert.Matches($"^deselected ice in {K2}, {K1} \\(the in-tree driver loads again\\); hooks skipped; (no )?reboot needed\n$", deselected.Stdout);
    }

    [Fact]
    public void A_select_with_hooks_names_each_hook_and_its_status()
    {
        using HandTree tree = HandTree.TwoKernels();
        string bin = DepmodBin(tree, "exit 0");

        ProcessResult result = tree.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = bin }, "select", "ice", "dell", "--format", "table");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"selected dell for ice in {K2}, {K1}; depmod ok; reboot needed\n", result.Stdout);
    }

    [Fact]
    public void Auto_select_dry_run_is_a_table_and_the_run_one_line_per_driver()
    {
        using HandTree tree = HandTree.TwoKernels();

        ProcessResult plan = tree.Run("auto-select", "--dry-run", "--format", "table");
        ProcessResult run = tree.Run("auto-select", "--no-hooks", "--format", "table");
        ProcessResult nothing = tree.Run("auto-select", "--no-hooks", "--format", "table");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        string[] lines = plan.Stdout.Split('\n');
        Assert.Matches("^DRIVER +VARIANT +PRIORITY +VERSION +WHY$", lines[0]);
        Assert.Matches("^ice +dell +40 +1.0 +highest priority", lines[1]);
        Assert.Contains("dry run: nothing changed", plan.Stdout);
        Assert.DoesNotContain("{", plan.Stdout);
        Assert.Equal($"selected dell for ice in {K2}, {K1}\nhooks skipped; reboot needed\n", run.Stdout);
        Assert.StartsWith("nothing to select", nothing.Stdout);
    }

    [Fact]
    public void Reconcile_prints_one_line_per_driver_and_an_unknown_name_is_ENOENT_with_the_known_ones()
    {
        using HandTree tree = HandTree.TwoKernels();
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);

        ProcessResult result = tree.Run("reconcile", "ice", "--no-hooks", "--format", "table");
        ProcessResult unknown = tree.Run("reconcile", "icee", "--no-hooks");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("kept ice on generic: links already right\n", result.Stdout);
        Assert.Equal(2, unknown.ExitCode);
        ContractChecker.AssertAccepted("error", unknown.Stdout);
        Assert.Equal("driver-tool: unknown driver 'icee'; drivers here: ice", Assert.Single(unknown.StderrLines));
    }

    [Fact]
    public void Verify_lists_problems_one_a_line()
    {
        using HandTree tree = HandTree.TwoKernels();
        tree.Link($"lib/modules/{K1}/updates/gone.ko", "../dmv/ice/old/gone.ko");

        ProcessResult problems = tree.Run("verify", "--format", "table");

        Assert.Equal(117, problems.ExitCode);
        string[] lines = problems.Stdout.TrimEnd('\n').Split('\n');
        Assert.StartsWith("problem: dangling-link: ", lines[0]);
        Assert.Contains("gone.ko", lines[0]);
        Assert.Equal("1 problem(s) remain; 'verify --repair' mends what is safe to mend", lines[^1]);
        Assert.Equal("", problems.Stderr);
        Assert.Equal(0, tree.Run("verify", "--repair", "--format", "table").ExitCode);
        Assert.Equal("clean: no problems found\n", tree.Run("verify", "--format", "table").Stdout);
    }

    [Fact]
    public void Kernels_as_a_table_says_when_there_are_none()
    {
        using HandTree tree = new();

        ProcessResult result = tree.Run("kernels", "--format", "table");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.StartsWith("no kernels", result.Stdout);
    }

    [Fact]
    public void With_a_table_an_error_is_the_stderr_line_alone()
    {
        using HandTree tree = HandTree.TwoKernels();

        ProcessResult failed = tree.Run("select", "ice", "nosuch", "--format", "table");
        ProcessResult byEnvironment = tree.RunWith(TableByEnvironment, "frobnicate");

        Assert.Equal(2, failed.ExitCode);
        Assert.Equal("", failed.Stdout);
        Assert.Equal("driver-tool: driver 'ice' has no variant 'nosuch' in any kernel; variants here: dell, generic", Assert.Single(failed.StderrLines));
        Assert.Equal(22, byEnvironment.ExitCode);
        Assert.Equal("", byEnvironment.Stdout);
        Assert.Single(byEnvironment.StderrLines);
    }

    [Fact]
    public void At_a_terminal_json_is_indented_and_an_error_is_said_once()
    {
        using HandTree tree = HandTree.TwoKernels();

        ProcessResult listed = AtTerminal(tree, "list");
        ProcessResult failed = AtTerminal(tree, "select", "ice", "nosuch");
        ProcessResult piped = tree.Run("list");

        Assert.True(listed.ExitCode == 0, listed.ToString());
        Assert.Contains("\"protocol\": {", listed.Stdout);
        Assert.Contains("\n  \"drivers\": {", listed.Stdout.Replace("\r\n", "\n"));
        Assert.Equal(2, failed.ExitCode);
        Assert.Equal(1, failed.Stdout.Split("has no variant 'nosuch'").Length - 1);
        Assert.DoesNotContain("exit_code", failed.Stdout);
        // Through a pipe: today's compact document, one line.
        Assert.StartsWith("{\"protocol\":{\"version\":0.1},", piped.Stdout);
        Assert.Equal(1, piped.Stdout.Count(c => c == '\n'));
    }

    [Fact]
    public void List_of_names_restricts_the_listing_and_an_unknown_name_is_ENOENT()
    {
        using HandTree tree = HandTree.TwoKernels().Variant(K1, "other", "generic", ["other.ko"]);

        ProcessResult one = tree.Run("list", "ice");
        ProcessResult both = tree.Run("-l", "other", "ice");
        ProcessResult unknown = tree.Run("list", "ice", "othr");

        Assert.True(one.ExitCode == 0, one.ToString());
        ContractChecker.AssertAccepted("list", one.Stdout);
        Assert.Equal(["ice"], JsonDocument.Parse(one.Stdout).RootElement.GetProperty("drivers").EnumerateObject().Select(p => p.Name).ToArray());
        Assert.Equal(2, JsonDocument.Parse(both.Stdout).RootElement.GetProperty("drivers").EnumerateObject().Count());
        Assert.Equal(2, unknown.ExitCode);
        ContractChecker.AssertAccepted("error", unknown.Stdout);
        Assert.Contains("unknown driver 'othr'; drivers here: other, ice", unknown.Stderr);
    }

    [Fact]
    public void Inspect_of_a_module_name_looks_in_the_running_kernel_else_the_newest()
    {
        using HandTree tree = HandTree.TwoKernels();
        foreach (string kernel in new[] { K1, K2 })
        {
            byte[] elf = ElfModuleWriter.Write(new ElfModuleWriter.Module([], [new("name", "e1000e"), new("vermagic", $"{kernel} SMP mod_unload ")], []));
            tree.File($"lib/modules/{kernel}/modules.dep", "kernel/drivers/net/e1000e.ko:\n");
            Directory.CreateDirectory(tree.Path($"lib/modules/{kernel}/kernel/drivers/net"));
            File.WriteAllBytes(tree.Path($"lib/modules/{kernel}/kernel/drivers/net/e1000e.ko"), elf);
        }

        string Vermagic(ProcessResult result)
        {
            Assert.True(result.ExitCode == 0, result.ToString());
            return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("modules")[0].GetProperty("vermagic").GetString()!;
        }

        Assert.StartsWith(K2, Vermagic(DriverTool.Run("--root", tree.Root, "inspect", "e1000e")));
        Assert.StartsWith(K1, Vermagic(DriverTool.Run("--root", tree.Root, "--running-kernel", K1, "inspect", "e1000e")));
        Assert.StartsWith(K1, Vermagic(DriverTool.Run("--root", tree.Root, "--kernel", K1, "inspect", "e1000e")));
        Assert.Equal($"/lib/modules/{K2}/kernel/drivers/net/e1000e.ko", JsonDocument.Parse(DriverTool.Run("--root", tree.Root, "inspect", "e1000e").Stdout).RootElement.GetProperty("modules")[0].GetProperty("file").GetString());
        Assert.Equal(2, DriverTool.Run("--root", tree.Root, "inspect", "nosuchmodule").ExitCode);
        ProcessResult table = DriverTool.Run("--root", tree.Root, "inspect", "nosuchmodule", "--format", "table");
        Assert.Equal(2, table.ExitCode);
        Assert.Equal("", table.Stdout);
        Assert.Equal($"driver-tool: nosuchmodule: module nosuchmodule not found in kernel {K2}", Assert.Single(table.StderrLines));
    }

    [Fact]
    public void Explain_gives_one_kabi_verdict_per_kernel_and_marks_auto_selects_choice_only_where_it_acts()
    {
        using HandTree tree = HandTree.TwoKernels().Variant(K1, "ice", "hpe", ["ice.ko"], subVendor: "103c", priority: "50");

        string fresh = tree.Run("explain", "ice", "--format", "table").Stdout;
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        string chosen = tree.Run("explain", "ice", "--format", "table").Stdout;

        // dell and generic are in both kernels, hpe in one: 5 verdicts, each once.
        Assert.Equal(5, fresh.Split('\n').Count(l => l.Contains("kABI", StringComparison.Ordinal)));
        Assert.DoesNotContain("kABI not-possible", fresh);
        Assert.Contains("auto-select: would select dell", fresh);
        Assert.Matches("\ndell +1.0 +40 +production +yes \\(auto-select's choice\\)", fresh);
        Assert.Matches("\nhpe +1.0 +50 +production +no +no present PCI device matches any of its ids\n", fresh);
        Assert.Contains("auto-select: leaves it alone (generic is selected)", chosen);
        Assert.DoesNotContain("auto-select's choice", chosen);
    }

    [Fact]
    public void Mistakes_get_the_nearest_name()
    {
        using HandTree tree = HandTree.TwoKernels();

        Assert.Contains("unknown command 'lst' (did you mean 'list'?)", DriverTool.Run("lst").Stderr);
        Assert.Contains("unknown option '--forse' (did you mean '--force'?)", DriverTool.Run("select", "a", "b", "--forse").Stderr);
        Assert.Contains("unknown option '--dryrun' (did you mean '--dry-run'?)", DriverTool.Run("auto-select", "--dryrun").Stderr);
        Assert.Contains("--root needs a value", DriverTool.Run("--root", "-l").Stderr);
        Assert.DoesNotContain("no command given", DriverTool.Run("--root", "-l").Stderr);
        Assert.Contains("-n needs a value", DriverTool.Run("-s", "-n", "-v", "dell").Stderr);
        ProcessResult driver = tree.Run("select", "icee", "dell", "--no-hooks");
        Assert.Equal(2, driver.ExitCode);
        Assert.Contains("unknown driver 'icee'; drivers here: ice", driver.Stderr);
        ProcessResult variant = tree.Run("select", "ice", "del", "--no-hooks");
        Assert.Equal(2, variant.ExitCode);
        Assert.Contains("variants here: dell, generic", variant.Stderr);
        ProcessResult kernel = tree.Run("-l", "--running-kernel", "6.1.0-1");
        Assert.Equal(2, kernel.ExitCode);
        ContractChecker.AssertAccepted("error", kernel.Stdout);
        Assert.Contains($"--running-kernel 6.1.0-1: not installed (no /lib/modules/6.1.0-1, no /boot/vmlinuz-6.1.0-1); kernels here: {K1}, {K2}", kernel.Stderr);
    }

    [Fact]
    public void A_user_who_is_not_root_is_told_the_command_needs_root()
    {
        using HandTree tree = HandTree.TwoKernels();
        File.SetUnixFileMode(tree.Root, (UnixFileMode)0x1ED);

        ProcessResult result = DriverTool.Run(["--root", tree.Root, "--lspci", tree.LspciFile, "select", "ice", "dell", "--no-hooks"], stdin: null, asNobody: true);
        ProcessResult listing = DriverTool.Run(["--root", tree.Root, "--lspci", tree.LspciFile, "-l"], stdin: null, asNobody: true);

        Assert.Equal(13, result.ExitCode);
        ContractChecker.AssertAccepted("error", result.Stdout);
        Assert.EndsWith("Permission denied; this command needs root (run it as root, or with sudo)", Assert.Single(result.StderrLines));
        Assert.True(listing.ExitCode == 0, listing.ToString());
    }

    [Fact]
    public void Hook_output_with_errors_or_warnings_is_not_ok()
    {
        using HandTree tree = HandTree.TwoKernels();
        // As the real one does when it cannot stat a link: an ERROR line, and the link missing from the index.
        string errors = DepmodBin(tree, "echo 'depmod: ERROR: fstatat(4, ice.ko): No such file or directory' >&2; : > \"$dir/modules.dep\"; exit 0");
        var path = new Dictionary<string, string> { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = errors };

        ProcessResult failed = tree.RunWith(path, "select", "ice", "dell");
        Assert.Equal(5, failed.ExitCode);
        ContractChecker.AssertAccepted("error", failed.Stdout);
        Assert.Contains("but depmod failed for kernel", failed.Stderr);
        Assert.Contains("depmod: ERROR: fstatat(4, ice.ko)", failed.Stderr);

        FakeDepmod.Write(errors, "echo 'depmod: WARNING: could not open modules.order' >&2; exit 0");
        ProcessResult warned = tree.RunWith(path, "select", "ice", "generic");
        Assert.True(warned.ExitCode == 0, warned.ToString());
        JsonElement depmod = JsonDocument.Parse(warned.Stdout).RootElement.GetProperty("hooks").EnumerateArray().First(h => h.GetProperty("hook").GetString() == "depmod");
        Assert.Equal("warnings", depmod.GetProperty("status").GetString());
        Assert.Contains("driver-tool: warning: depmod for kernel", warned.Stderr);
        Assert.Contains("depmod warnings", tree.RunWith(path, "select", "ice", "dell", "--format", "table").Stdout);
    }

    [Fact]
    public void The_demo_tree_takes_a_select_with_the_real_depmod_cleanly()
    {
        Assert.True(File.Exists("/usr/sbin/depmod") || File.Exists("/sbin/depmod"), "depmod (kmod) is missing: make test installs it");
        string root = Path.Combine(Path.GetTempPath(), "dmv-demo-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            // As make demo writes it.
            HostTreeGenerator.Write(root, new HostTreeSpec { Seed = 1, Kernels = 2, Drivers = 8, VariantsPerDriver = 3, PciDevices = 12, DepmodReady = true });

            ProcessResult result = DriverTool.Run("--root", root, "auto-select");

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal("", result.Stderr);
            JsonElement[] depmod = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("hooks").EnumerateArray().Where(h => h.GetProperty("hook").GetString() == "depmod").ToArray();
            Assert.NotEmpty(depmod);
            NonEmpty.All(depmod, h => Assert.True(h.GetProperty("status").GetString() == "ok" && h.GetProperty("detail").ValueKind == JsonValueKind.Null, h.ToString()));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>A depmod on PATH that runs <paramref name="script"/>; its folder beside the tree.</summary>
    private static string DepmodBin(HandTree tree, string script)
    {
        string bin = tree.Beside("bin");
        FakeDepmod.Write(bin, script);
        return bin;
    }

    /// <summary>Runs driver-tool with a pseudo-terminal as stdout and stderr (util-linux script), as a person would.</summary>
    private static ProcessResult AtTerminal(HandTree tree, params string[] args)
    {
        string command = string.Join(' ', new[] { ToolPaths.DriverTool, "--root", tree.Root, "--lspci", tree.LspciFile }.Concat(args).Select(a => "'" + a + "'"));
        return ExternalCommand.Run(["script", "-qec", command, "/dev/null"]);
    }
}
