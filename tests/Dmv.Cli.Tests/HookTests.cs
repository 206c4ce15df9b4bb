using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>Defect 9 and the hooks: depmod once for every kernel changed, failures reported, links consistent.</summary>
public class HookTests
{
    private const string K1 = "6.1.0-1-amd64";
    private const string K2 = "6.2.0-2-amd64";

    private static (HandTree Tree, string Bin, string Log) Setup(string depmodScript)
    {
        HandTree tree = new HandTree().Variant(K1, "ice", "generic", ["ice.ko"]).Variant(K2, "ice", "generic", ["ice.ko"]).Variant(K2, "other", "generic", ["other.ko"]);
        string bin = tree.Beside("bin");
        string log = Path.Combine(bin, "calls.log");
        FakeDepmod.Write(bin, depmodScript, log);
        return (tree, bin, log);
    }

    private static Dictionary<string, string> WithBin(string bin) => new() { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = bin };

    [Fact]
    public void Depmod_runs_once_for_each_kernel_changed_with_the_root_as_base()
    {
        (HandTree tree, string bin, string log) = Setup("exit 0");
        using (tree)
        {
            ProcessResult result = tree.RunWith(WithBin(bin), "select", "ice", "generic");

            Assert.True(result.ExitCode == 0, result.ToString());
            string config = $"-C {tree.Root}/etc/depmod.d";
            Assert.Equal([$"-a -b {tree.Root} {config} {K2}", $"-a -b {tree.Root} {config} {K1}"], File.ReadAllLines(log));
            JsonElement hooks = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("hooks");
            Assert.Equal(2, hooks.EnumerateArray().Count(h => h.GetProperty("hook").GetString() == "depmod" && h.GetProperty("status").GetString() == "ok"));
            JsonElement dracut = hooks.EnumerateArray().First(h => h.GetProperty("hook").GetString() == "dracut");
            Assert.Equal("skipped", dracut.GetProperty("status").GetString());
            Assert.Contains("--initrd", dracut.GetProperty("detail").GetString());

            File.Delete(log);
            Assert.Equal(0, tree.RunWith(WithBin(bin), "select", "other", "generic").ExitCode);
            Assert.Equal([$"-a -b {tree.Root} {config} {K2}"], File.ReadAllLines(log));
        }
    }

    [Fact]
    public void A_failing_hook_fails_the_command_with_its_output_and_the_links_stay_consistent()
    {
        (HandTree tree, string bin, _) = Setup("echo 'depmod: FATAL: could not search modules' >&2; exit 1");
        using (tree)
        {
            ProcessResult result = tree.RunWith(WithBin(bin), "select", "ice", "generic");

            Assert.Equal(5, result.ExitCode);
            ContractChecker.AssertAccepted("error", result.Stdout);
            Assert.Contains("could not search modules", result.Stdout);
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K2, "ice.ko"));
            Assert.Equal(0, tree.Run("verify").ExitCode);
        }
    }

    [Fact]
    public void No_hooks_skips_them_all_and_no_initrd_skips_dracut()
    {
        (HandTree tree, string bin, string log) = Setup("exit 0");
        using (tree)
        {
            ProcessResult none = tree.RunWith(WithBin(bin), "select", "ice", "generic", "--no-hooks");
            Assert.False(File.Exists(log));
            NonEmpty.All(JsonDocument.Parse(none.Stdout).RootElement.GetProperty("hooks").EnumerateArray(), h => Assert.Equal("skipped", h.GetProperty("status").GetString()));

            ProcessResult noInitrd = tree.RunWith(WithBin(bin), "deselect", "ice", "--no-initrd");
            JsonElement dracut = JsonDocument.Parse(noInitrd.Stdout).RootElement.GetProperty("hooks").EnumerateArray().First(h => h.GetProperty("hook").GetString() == "dracut");
            Assert.Equal("--no-initrd", dracut.GetProperty("detail").GetString());
            Assert.Equal(2, File.ReadAllLines(log).Length);
        }
    }
}
