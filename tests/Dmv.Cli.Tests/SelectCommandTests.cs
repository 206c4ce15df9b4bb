using System.Text.Json;

namespace Dmv.Cli.Tests;

public class SelectCommandTests
{
    private const string K1 = "6.1.0-1-amd64";
    private const string K2 = "6.2.0-2-amd64";

    private static HandTree TwoKernels() => new HandTree()
        .Variant(K1, "ice", "generic", ["ice.ko", "irdma.ko"])
        .Variant(K1, "ice", "dell", ["drivers/net/ice.ko"], subVendor: "1028", priority: "40")
        .Variant(K2, "ice", "generic", ["ice.ko", "irdma.ko"])
        .Variant(K2, "ice", "dell", ["drivers/net/ice.ko"], subVendor: "1028", priority: "40");

    [Fact]
    public void Select_links_every_module_in_every_kernel_with_relative_targets()
    {
        using HandTree tree = TwoKernels();

        ProcessResult result = tree.Run("-s", "-n", "ice", "-v", "generic", "--no-hooks");

        Assert.True(result.ExitCode == 0, result.ToString());
        ContractChecker.AssertAccepted("select", result.Stdout, "ice", "generic");
        foreach (string kernel in new[] { K1, K2 })
        {
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(kernel, "ice.ko"));
            Assert.Equal("../dmv/ice/generic/irdma.ko", tree.LinkTarget(kernel, "irdma.ko"));
        }

        ProcessResult listing = tree.Run("-l");
        Assert.Equal("generic", JsonDocument.Parse(listing.Stdout).RootElement.GetProperty("drivers").GetProperty("ice").GetProperty("selected").GetString());
    }

    [Fact]
    public void Switching_replaces_and_removes_only_the_drivers_links()
    {
        using HandTree tree = TwoKernels();
        tree.File($"lib/modules/{K1}/updates/vendor.ko", "foreign").Link($"lib/modules/{K1}/updates/other.ko", "../kernel/other.ko");
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);

        ProcessResult result = tree.Run("select", "ice", "dell", "--no-hooks");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("../dmv/ice/dell/drivers/net/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        Assert.Null(tree.LinkTarget(K1, "irdma.ko"));
        Assert.Equal(["ice.ko", "other.ko", "vendor.ko"], tree.UpdatesNames(K1));
        Assert.Equal("foreign", File.ReadAllText(tree.Path($"lib/modules/{K1}/updates/vendor.ko")));
        Assert.Equal("../kernel/other.ko", tree.LinkTarget(K1, "other.ko"));
    }

    [Fact]
    public void Deselect_removes_the_drivers_links_in_every_kernel_and_nothing_else()
    {
        using HandTree tree = TwoKernels();
        tree.File($"lib/modules/{K2}/updates/vendor.ko", "foreign");
        Assert.Equal(0, tree.Run("-s", "-n", "ice", "-v", "generic", "--no-hooks").ExitCode);

        ProcessResult result = tree.Run("-d", "ice", "--no-hooks");

        Assert.True(result.ExitCode == 0, result.ToString());
        ContractChecker.AssertAccepted("deselect", result.Stdout, "ice");
        Assert.Empty(tree.UpdatesNames(K1));
        Assert.Equal(["vendor.ko"], tree.UpdatesNames(K2));
        Assert.Equal(0, tree.Run("deselect", "ice", "--no-hooks").ExitCode);
    }

    [Fact]
    public void Switching_one_driver_says_nothing_of_the_others_links()
    {
        using HandTree tree = TwoKernels();
        tree.Variant(K1, "other", "generic", ["other.ko"]);
        Assert.Equal(0, tree.Run("select", "other", "generic", "--no-hooks").ExitCode);

        ProcessResult result = tree.Run("select", "ice", "generic", "--no-hooks");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        Assert.Equal("../dmv/other/generic/other.ko", tree.LinkTarget(K1, "other.ko"));
    }

    [Fact]
    public void Missing_updates_folder_is_created()
    {
        using HandTree tree = TwoKernels();
        Directory.Delete(tree.Path($"lib/modules/{K1}/updates"));

        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void Only_kernels_that_have_the_variant_are_switched()
    {
        using HandTree tree = new HandTree().Variant(K1, "ice", "generic", ["ice.ko"]).Variant(K2, "ice", "dell", ["ice.ko"], subVendor: "1028");

        ProcessResult result = tree.Run("select", "ice", "dell", "--no-hooks");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal([K2], JsonDocument.Parse(result.Stdout).RootElement.GetProperty("kernels").EnumerateArray().Select(k => k.GetString()));
        Assert.Null(tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void A_foreign_file_in_the_kernel_that_is_listed_is_EEXIST_and_nothing_changes()
    {
        // K2 is the newer kernel: with none running, -l reports its selection.
        using HandTree tree = TwoKernels();
        tree.File($"lib/modules/{K2}/updates/ice.ko", "someone else's build");

        ProcessResult result = tree.Run("select", "ice", "generic", "--no-hooks");

        Assert.Equal(17, result.ExitCode);
        ContractChecker.AssertAccepted("error", result.Stdout);
        Assert.Contains("--force", result.Stderr);
        Assert.Contains($"kernel {K2}", result.Stderr);
        Assert.Equal("someone else's build", File.ReadAllText(tree.Path($"lib/modules/{K2}/updates/ice.ko")));
        Assert.Null(tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void A_foreign_file_in_another_kernel_fails_that_kernel_only_and_is_untouched()
    {
        using HandTree tree = TwoKernels();
        tree.File($"lib/modules/{K1}/updates/ice.ko", "someone else's build");

        ProcessResult result = tree.Run("select", "ice", "generic", "--no-hooks");

        Assert.Equal(0, result.ExitCode);
        ContractChecker.AssertAccepted("select", result.Stdout, "ice", "generic");
        JsonElement reply = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal([K2], reply.GetProperty("kernels").EnumerateArray().Select(k => k.GetString()));
        JsonElement failed = Assert.Single(reply.GetProperty("failed_kernels").EnumerateArray());
        Assert.Equal(K1, failed.GetProperty("kernel").GetString());
        Assert.Equal(17, failed.GetProperty("exit_code").GetInt32());
        Assert.Contains("--force", failed.GetProperty("message").GetString());
        Assert.Contains($"not switched in kernel {K1}", result.Stderr);
        Assert.Equal("someone else's build", File.ReadAllText(tree.Path($"lib/modules/{K1}/updates/ice.ko")));
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K2, "ice.ko"));
    }

    [Fact]
    public void Force_moves_a_foreign_file_aside_keeps_it_and_reports_it()
    {
        using HandTree tree = TwoKernels();
        tree.File($"lib/modules/{K1}/updates/ice.ko", "someone else's build");

        ProcessResult result = tree.Run("select", "ice", "generic", "--no-hooks", "--force");

        Assert.True(result.ExitCode == 0, result.ToString());
        string moved = Assert.Single(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("moved_aside").EnumerateArray()).GetString()!;
        string aside = moved.Split(" -> ")[1];
        Assert.Equal("someone else's build", File.ReadAllText(tree.Path(aside)));
        Assert.DoesNotMatch(@"\.ko$", aside);
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void Hardware_must_be_present_unless_forced()
    {
        using HandTree tree = new HandTree().Variant(K1, "ice", "hpe", ["ice.ko"], subVendor: "103c");

        ProcessResult refused = tree.Run("select", "ice", "hpe", "--no-hooks");
        Assert.Equal(19, refused.ExitCode);
        ContractChecker.AssertAccepted("error", refused.Stdout);
        Assert.Null(tree.LinkTarget(K1, "ice.ko"));

        Assert.Equal(0, tree.Run("select", "ice", "hpe", "--no-hooks", "--force").ExitCode);
    }

    [Theory]
    [InlineData(new[] { "select", "nosuch", "generic" }, 2, "unknown driver 'nosuch'")]
    [InlineData(new[] { "select", "ice", "nosuch" }, 2, "has no variant 'nosuch'")]
    [InlineData(new[] { "deselect", "nosuch" }, 2, "unknown driver")]
    // Names are looked up in the listing, never used as paths: a path-like name is just unknown.
    [InlineData(new[] { "select", "ice", "../ice" }, 2, "has no variant '../ice'")]
    [InlineData(new[] { "select", "ice/generic", "x" }, 2, "unknown driver 'ice/generic'")]
    [InlineData(new[] { "select", "..", "generic" }, 2, "unknown driver '..'")]
    [InlineData(new[] { "-d", "a/b" }, 2, "unknown driver 'a/b'")]
    [InlineData(new[] { "-d", "a\tb" }, 22, "holds the character U+0009")]
    [InlineData(new[] { "select", "", "generic" }, 22, "the driver name is empty")]
    [InlineData(new[] { "-s", "-n", "ice" }, 22, "select needs a driver and a variant")]
    [InlineData(new[] { "-s", "-v", "generic" }, 22, "select needs a driver and a variant")]
    [InlineData(new[] { "-n", "ice", "-v", "generic" }, 22, "need '-s'")]
    [InlineData(new[] { "-l", "--force" }, 22, "does not apply")]
    public void Bad_names_and_unknown_drivers(string[] args, int errno, string message)
    {
        using HandTree tree = TwoKernels();

        ProcessResult result = tree.Run([.. args, "--no-hooks"]);

        Assert.Equal(errno, result.ExitCode);
        ContractChecker.AssertAccepted("error", result.Stdout);
        Assert.Contains(message, result.Stdout);
    }

    [Fact]
    public void A_variant_without_modules_is_refused()
    {
        using HandTree tree = new HandTree().Variant(K1, "ice", "generic", []);

        ProcessResult result = tree.Run("select", "ice", "generic", "--no-hooks", "--force");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("has no module files", result.Stdout);
    }

    [Fact]
    public void Reboot_is_reported_when_the_loaded_variant_differs()
    {
        using HandTree tree = TwoKernels();
        tree.File("sys/module/ice/notes/.note.XenServer", "");
        File.WriteAllBytes(tree.Path("sys/module/ice/notes/.note.XenServer"), Dmv.Fixtures.NoteWriter.XenServerVariant("generic"));

        ProcessResult toDell = tree.Run("select", "ice", "dell", "--no-hooks", "--running-kernel", K2);
        ProcessResult back = tree.Run("select", "ice", "generic", "--no-hooks", "--running-kernel", K2);

        Assert.True(JsonDocument.Parse(toDell.Stdout).RootElement.GetProperty("operation").GetProperty("reboot").GetBoolean());
        Assert.False(JsonDocument.Parse(back.Stdout).RootElement.GetProperty("operation").GetProperty("reboot").GetBoolean());
    }

    [Fact]
    public void Every_switch_is_recorded_in_the_history()
    {
        using HandTree tree = TwoKernels();
        tree.Run("select", "ice", "generic", "--no-hooks");
        tree.Run("select", "ice", "dell", "--no-hooks");
        tree.Run("-d", "ice", "--no-hooks");

        string[] lines = File.ReadAllLines(tree.Path("var/lib/driver-tool/history.jsonl"));

        Assert.Equal(["select generic", "select dell", "deselect "], lines.Select(l =>
        {
            JsonElement entry = JsonDocument.Parse(l).RootElement;
            return entry.GetProperty("operation").GetString() + " " + entry.GetProperty("variant").GetString();
        }));
    }
}
