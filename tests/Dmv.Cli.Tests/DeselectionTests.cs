using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 10: an administrator's deselect lasts. auto-select (which the boot hook runs at every
/// boot) and reconcile leave the driver on its in-tree module until it is selected again.
/// </summary>
public class DeselectionTests
{
    private const string K = "6.1.0-1-amd64";

    private static HandTree Tree() => new HandTree()
        .Variant(K, "ice", "generic", ["ice.ko"])
        .Variant(K, "ice", "dell", ["ice.ko"], subVendor: "1028", priority: "40")
        .Variant(K, "igb", "generic", ["igb.ko"]);

    private static string[] Planned(ProcessResult result) =>
        JsonDocument.Parse(result.Stdout).RootElement.GetProperty("plan").EnumerateArray().Select(c => c.GetProperty("driver").GetString()!).ToArray();

    [Fact]
    public void After_a_deselect_auto_select_and_reconcile_leave_the_driver_alone_until_it_is_selected_again()
    {
        using HandTree tree = Tree();
        Assert.Equal(0, tree.Run("auto-select", "--no-hooks").ExitCode);
        Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K, "ice.ko"));

        Assert.Equal(0, tree.Run("deselect", "ice", "--no-hooks").ExitCode);
        Assert.Equal(["ice"], File.ReadAllLines(tree.Path("var/lib/driver-tool/deselected")));

        Assert.DoesNotContain("ice", Planned(tree.Run("auto-select", "--dry-run")));
        Assert.Equal(0, tree.Run("auto-select", "--no-hooks").ExitCode);
        Assert.Null(tree.LinkTarget(K, "ice.ko"));

        ProcessResult reconcile = tree.Run("reconcile", "ice", "--no-hooks");
        Assert.True(reconcile.ExitCode == 0, reconcile.ToString());
        Assert.Contains("deselected by an administrator", reconcile.Stdout);
        Assert.Null(tree.LinkTarget(K, "ice.ko"));

        // explain says why auto-select leaves it alone; --include-deselected overrides the record.
        Assert.Contains("deselected by an administrator", tree.Run("explain", "ice").Stdout);
        Assert.Contains("deselected by an administrator", tree.Run("explain", "ice", "--format", "table").Stdout);
        Assert.Contains("ice", Planned(tree.Run("auto-select", "--dry-run", "--include-deselected")));

        // An explicit select ends it.
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        Assert.False(File.Exists(tree.Path("var/lib/driver-tool/deselected")));
    }

    [Fact]
    public void A_record_another_user_could_have_written_is_not_obeyed()
    {
        using HandTree tree = Tree();
        Assert.Equal(0, tree.Run("deselect", "ice", "--no-hooks").ExitCode);
        string record = tree.Path("var/lib/driver-tool/deselected");
        File.WriteAllText(record, "ice\n");
        ExternalCommand.Check(["chown", "65534", record]);

        ProcessResult plan = tree.Run("auto-select", "--dry-run");

        Assert.Contains("ice", Planned(plan));
        Assert.Contains("not obeyed", plan.Stderr);
    }
}
