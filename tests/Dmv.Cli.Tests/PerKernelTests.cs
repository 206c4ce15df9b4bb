using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 10: selections are per kernel. A kernel whose copy of a variant is refused is reported
/// (failed, with the reason) and every other kernel's selection stays as it is; the command fails
/// only when the kernel -l reports from (the running one) cannot take the switch, and then nothing changes.
/// </summary>
public class PerKernelTests
{
    private const string Running = "6.1.0-1-amd64";
    private const string Newer = "6.2.0-2-amd64";

    private static JsonElement FailedKernel(string stdout, string? driver = null)
    {
        JsonElement root = JsonDocument.Parse(stdout).RootElement;
        JsonElement holder = driver is null ? root : root.GetProperty("reconciled").EnumerateArray().Single(a => a.GetProperty("driver").GetString() == driver);
        return Assert.Single(holder.GetProperty("failed_kernels").EnumerateArray());
    }

    [Fact]
    public void Reconcile_keeps_the_running_kernels_selection_when_a_new_kernels_copy_is_refused()
    {
        using HandTree tree = new HandTree()
            .Variant(Running, "ice", "generic", ["ice.ko"])
            .Variant(Running, "ice", "dell", ["ice.ko"], subVendor: "1028");
        Assert.Equal(0, tree.Run("-s", "-n", "ice", "-v", "dell", "--no-hooks", "--running-kernel", Running).ExitCode);

        // A new kernel arrives whose copy of dell was built for the old one: kABI refuses it.
        tree.Variant(Newer, "ice", "generic", ["ice.ko"])
            .Variant(Newer, "ice", "dell", ["ice.ko"], subVendor: "1028", builtFor: Running);

        ProcessResult result = tree.Run("reconcile", "ice", "--no-hooks", "--running-kernel", Running);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(Running, "ice.ko"));
        Assert.Null(tree.LinkTarget(Newer, "ice.ko"));
        JsonElement failed = FailedKernel(result.Stdout, "ice");
        Assert.Equal(Newer, failed.GetProperty("kernel").GetString());
        Assert.Equal(8, failed.GetProperty("exit_code").GetInt32());
        Assert.Contains("will not load into kernel " + Newer, failed.GetProperty("message").GetString());
        Assert.Contains($"not switched in kernel {Newer}", result.Stderr);
    }

    [Fact]
    public void Reconcile_deselects_only_the_kernel_whose_copy_became_refused()
    {
        using HandTree tree = new HandTree()
            .Variant(Running, "ice", "dell", ["ice.ko"], subVendor: "1028")
            .Variant(Newer, "ice", "dell", ["ice.ko"], subVendor: "1028");
        Assert.Equal(0, tree.Run("-s", "-n", "ice", "-v", "dell", "--no-hooks", "--running-kernel", Running).ExitCode);
        Assert.NotNull(tree.LinkTarget(Newer, "ice.ko"));

        // An upgrade replaces the newer kernel's copy with one built for the wrong kernel.
        tree.Variant(Newer, "ice", "dell", ["ice.ko"], subVendor: "1028", builtFor: Running);
        ProcessResult result = tree.Run("reconcile", "ice", "--no-hooks", "--running-kernel", Running);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(Running, "ice.ko"));
        Assert.Null(tree.LinkTarget(Newer, "ice.ko"));
        Assert.Equal(Newer, FailedKernel(result.Stdout, "ice").GetProperty("kernel").GetString());
    }

    [Fact]
    public void Select_switches_the_kernels_that_can_take_it_and_reports_the_one_that_cannot()
    {
        using HandTree tree = new HandTree()
            .Variant(Running, "ice", "dell", ["ice.ko"], subVendor: "1028")
            .Variant(Newer, "ice", "dell", ["ice.ko"], subVendor: "1028", builtFor: Running);

        ProcessResult result = tree.Run("-s", "-n", "ice", "-v", "dell", "--no-hooks", "--running-kernel", Running);

        Assert.True(result.ExitCode == 0, result.ToString());
        ContractChecker.AssertAccepted("select", result.Stdout, "ice", "dell");
        Assert.Equal([Running], JsonDocument.Parse(result.Stdout).RootElement.GetProperty("kernels").EnumerateArray().Select(k => k.GetString()));
        Assert.Equal(Newer, FailedKernel(result.Stdout).GetProperty("kernel").GetString());
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(Running, "ice.ko"));
        Assert.Null(tree.LinkTarget(Newer, "ice.ko"));
    }

    [Fact]
    public void Select_fails_and_changes_nothing_when_the_running_kernels_copy_is_refused()
    {
        using HandTree tree = new HandTree()
            .Variant(Running, "ice", "dell", ["ice.ko"], subVendor: "1028", builtFor: Newer)
            .Variant(Newer, "ice", "dell", ["ice.ko"], subVendor: "1028");

        ProcessResult result = tree.Run("-s", "-n", "ice", "-v", "dell", "--no-hooks", "--running-kernel", Running);

        Assert.True(result.ExitCode == 8, result.ToString());
        ContractChecker.AssertAccepted("error", result.Stdout);
        Assert.Contains($"kernel {Running}:", result.Stderr);
        Assert.Contains("nothing was changed", result.Stderr);
        Assert.Null(tree.LinkTarget(Running, "ice.ko"));
        Assert.Null(tree.LinkTarget(Newer, "ice.ko"));
    }

    [Fact]
    public void Reconcile_keeps_each_kernels_own_selection_when_another_variant_is_refused_there()
    {
        using HandTree tree = new HandTree()
            .Variant(Running, "ice", "generic", ["ice.ko"]).Variant(Newer, "ice", "generic", ["ice.ko"])
            .Variant(Running, "ice", "dell", ["ice.ko"], subVendor: "1028")
            .Variant(Newer, "ice", "dell", ["ice.ko"], subVendor: "1028", builtFor: Running);
        Assert.Equal(0, tree.Run("-s", "-n", "ice", "-v", "generic", "--no-hooks", "--running-kernel", Running).ExitCode);
        Assert.Equal(0, tree.Run("-s", "-n", "ice", "-v", "dell", "--no-hooks", "--running-kernel", Running).ExitCode);
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(Newer, "ice.ko"));

        ProcessResult result = tree.Run("reconcile", "ice", "--no-hooks", "--running-kernel", Running);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(Running, "ice.ko"));
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(Newer, "ice.ko"));
        Assert.Empty(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("reconciled")[0].GetProperty("failed_kernels").EnumerateArray());
    }

    [Fact]
    public void Select_fails_when_the_kernel_listed_first_lacks_the_variant_and_keeps_another()
    {
        // The newest kernel (no running one) has only generic, selected; dell is in the older kernel only.
        using HandTree tree = new HandTree()
            .Variant(Newer, "ice", "generic", ["ice.ko"])
            .Variant(Running, "ice", "dell", ["ice.ko"], subVendor: "1028");
        Assert.Equal(0, tree.Run("-s", "-n", "ice", "-v", "generic", "--no-hooks").ExitCode);

        ProcessResult result = tree.Run("-s", "-n", "ice", "-v", "dell", "--no-hooks");

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains($"kernel {Newer} has no variant 'dell'", result.Stderr);
        Assert.Null(tree.LinkTarget(Running, "ice.ko"));
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(Newer, "ice.ko"));
    }
}
