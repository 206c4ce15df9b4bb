using System.Text.Json;
using Dmv.Fixtures;

namespace Dmv.Cli.Tests;

/// <summary>
/// Trees as xcp.dmv writes them: updates/M.ko -> /lib/modules/K/dmv/DRIVER/VARIANT/M.ko, an absolute
/// target that the real depmod -b follows out of the root. driver-tool adopts them: a switch rewrites
/// a changed kernel's absolute DMV links relative, verify reports them and --repair mends them.
/// </summary>
public class XcpDmvTreeTests
{
    /// <summary>The demo tree (depmod-ready) with every DMV link rewritten as xcp.dmv writes it.</summary>
    private static (GeneratedTree Tree, List<string> Absolute) XcpDmvTree()
    {
        var tree = new GeneratedTree(new HostTreeSpec { Seed = 1, Kernels = 2, Drivers = 8, VariantsPerDriver = 3, PciDevices = 12, DepmodReady = true });
        var absolute = new List<string>();
        foreach (string updates in Directory.GetDirectories(tree.Path("lib/modules")).Select(k => Path.Combine(k, "updates")).Where(Directory.Exists))
        {
            string kernel = Path.GetFileName(Path.GetDirectoryName(updates)!);
            foreach (string link in Directory.GetFileSystemEntries(updates))
            {
                string? target = new FileInfo(link).LinkTarget;
                if (target is not null && target.StartsWith("../dmv/", StringComparison.Ordinal))
                {
                    File.Delete(link);
                    File.CreateSymbolicLink(link, $"/lib/modules/{kernel}/{target[3..]}");
                    absolute.Add(link);
                }
            }
        }

        Assert.NotEmpty(absolute);
        return (tree, absolute);
    }

    private static ProcessResult Run(GeneratedTree tree, params string[] args) =>
        DriverTool.Run(["--root", tree.Root, "--lspci", tree.Path("lspci-nm.txt"), .. args]);

    private static JsonElement Hook(ProcessResult result, string kernel) =>
        JsonDocument.Parse(result.Stdout).RootElement.GetProperty("hooks").EnumerateArray()
            .First(h => h.GetProperty("hook").GetString() == "depmod" && h.GetProperty("kernel").GetString() == kernel);

    [Fact]
    public void Xapis_list_select_list_deselect_passes_on_a_tree_xcp_dmv_wrote_with_the_real_depmod()
    {
        Assert.True(File.Exists("/usr/sbin/depmod") || File.Exists("/sbin/depmod"), "depmod (kmod) is missing: make test installs it");
        (GeneratedTree tree, List<string> absolute) = XcpDmvTree();
        using (tree)
        {
            ProcessResult before = Run(tree, "-l");
            Assert.True(before.ExitCode == 0, before.ToString());
            ContractChecker.AssertAccepted("list", before.Stdout);
            Assert.Equal("hpe", JsonDocument.Parse(before.Stdout).RootElement.GetProperty("drivers").GetProperty("emulex-lpfc").GetProperty("selected").GetString());

            ProcessResult select = Run(tree, "-s", "-n", "emulex-lpfc", "-v", "dell");
            Assert.True(select.ExitCode == 0, select.ToString());
            ContractChecker.AssertAccepted("select", select.Stdout, "emulex-lpfc", "dell");
            JsonElement reply = JsonDocument.Parse(select.Stdout).RootElement;
            string[] kernels = reply.GetProperty("kernels").EnumerateArray().Select(k => k.GetString()!).ToArray();
            NonEmpty.All(kernels, k => Assert.Equal("ok", Hook(select, k).GetProperty("status").GetString()));
            Assert.NotEmpty(reply.GetProperty("made_relative").EnumerateArray());

            // Every DMV link of a kernel the switch changed is relative now, and still reaches its module.
            foreach (string link in absolute.Where(l => kernels.Any(k => l.Contains($"/{k}/", StringComparison.Ordinal))).Where(File.Exists))
            {
                string? target = new FileInfo(link).LinkTarget;
                Assert.True(target!.StartsWith("../dmv/", StringComparison.Ordinal), $"{link} -> {target}");
            }

            ProcessResult after = Run(tree, "-l");
            ContractChecker.AssertAccepted("list", after.Stdout);
            Assert.Equal("dell", JsonDocument.Parse(after.Stdout).RootElement.GetProperty("drivers").GetProperty("emulex-lpfc").GetProperty("selected").GetString());

            ProcessResult deselect = Run(tree, "-d", "emulex-lpfc");
            Assert.True(deselect.ExitCode == 0, deselect.ToString());
            ContractChecker.AssertAccepted("deselect", deselect.Stdout, "emulex-lpfc");
            Assert.Equal(0, Run(tree, "verify").ExitCode);
        }
    }

    [Fact]
    public void Verify_reports_absolute_links_and_repair_makes_them_relative_as_one_switch_per_driver()
    {
        (GeneratedTree tree, List<string> absolute) = XcpDmvTree();
        using (tree)
        {
            ProcessResult found = Run(tree, "verify");
            Assert.Equal(117, found.ExitCode);
            JsonElement[] problems = JsonDocument.Parse(found.Stdout).RootElement.GetProperty("problems").EnumerateArray().Where(p => p.GetProperty("kind").GetString() == "absolute-link").ToArray();
            Assert.Equal(absolute.Count, problems.Length);
            Assert.Contains("depmod -b", problems[0].GetProperty("detail").GetString());

            ProcessResult repaired = Run(tree, "verify", "--repair", "--format", "table");
            Assert.True(repaired.ExitCode == 0, repaired.ToString());
            Assert.Contains("repaired: absolute-link: ", repaired.Stdout);
            NonEmpty.All(absolute, link => Assert.StartsWith("../dmv/", new FileInfo(link).LinkTarget));
            Assert.Equal(0, Run(tree, "verify").ExitCode);
            string[] history = File.ReadAllLines(tree.Path("var/lib/driver-tool/history.jsonl"));
            Assert.Contains(history, line => JsonDocument.Parse(line).RootElement.GetProperty("operation").GetString() == "relink");
        }
    }

    [Fact]
    public void Depmod_errors_about_files_the_switch_did_not_write_are_warnings_and_its_output_is_shown()
    {
        Assert.True(File.Exists("/usr/sbin/depmod") || File.Exists("/sbin/depmod"), "depmod (kmod) is missing: make test installs it");
        using var tree = new GeneratedTree(new HostTreeSpec { Seed = 1, Kernels = 2, Drivers = 8, VariantsPerDriver = 3, PciDevices = 12, DepmodReady = true });
        string kernel = Path.GetFileName(Directory.GetDirectories(tree.Path("lib/modules")).Order(StringComparer.Ordinal).Last());
        // The system's own depmod, which driver-tool runs chrooted into the root.
        SystemTools.CopyInto(tree.Root, "/bin/kmod", "/usr/sbin/depmod");

        // A vendor's own link, not DMV's, whose module is gone: depmod reports it, but the switch did not write it.
        File.CreateSymbolicLink(tree.Path($"lib/modules/{kernel}/updates/vendor-extra.ko"), "/opt/vendor-extra.ko");

        ProcessResult select = Run(tree, "select", "emulex-lpfc", "dell");

        Assert.True(select.ExitCode == 0, select.ToString());
        JsonElement depmod = Hook(select, kernel);
        Assert.Equal("warnings", depmod.GetProperty("status").GetString());
        Assert.Contains("vendor-extra.ko", depmod.GetProperty("detail").GetString());
        Assert.Contains($"driver-tool: warning: depmod for kernel {kernel}: depmod: ERROR: ", select.Stderr);
        Assert.Contains("run 'driver-tool verify'", select.Stderr);
        Assert.Equal("/opt/vendor-extra.ko", new FileInfo(tree.Path($"lib/modules/{kernel}/updates/vendor-extra.ko")).LinkTarget);
        Assert.StartsWith("/usr/sbin/chroot ", depmod.GetProperty("command").GetString());

        ProcessResult table = Run(tree, "select", "emulex-lpfc", "generic", "--format", "table");
        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("depmod warnings", table.Stdout);
        Assert.Contains($"driver-tool: depmod {kernel}: depmod: ERROR: fstatat(", table.Stderr);
    }
}
