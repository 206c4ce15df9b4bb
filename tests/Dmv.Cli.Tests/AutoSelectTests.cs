using System.Text.Json;

namespace Dmv.Cli.Tests;

public class AutoSelectTests
{
    private const string K = "6.1.0-1-amd64";

    private static HandTree Tree() => new HandTree()
        // Largest priority among the variants with hardware wins; hpe has the largest of all but no hardware.
        .Variant(K, "prio", "generic", ["prio.ko"], priority: "10")
        .Variant(K, "prio", "dell", ["prio.ko"], subVendor: "1028", priority: "40")
        .Variant(K, "prio", "hpe", ["prio.ko"], subVendor: "103c", priority: "50")
        // Equal priority: the more specific match wins.
        .Variant(K, "spec", "any", ["spec.ko"], priority: "20")
        .Variant(K, "spec", "dell", ["spec.ko"], subVendor: "1028", priority: "20.0")
        // Equal priority and match: the higher version wins.
        .Variant(K, "vers", "old", ["vers.ko"], priority: "5", version: "1.9")
        .Variant(K, "vers", "new", ["vers.ko"], priority: "5", version: "1.10")
        // Already selected: left alone.
        .Variant(K, "kept", "generic", ["kept.ko"], priority: "10")
        .Variant(K, "kept", "dell", ["kept.ko"], subVendor: "1028", priority: "90")
        // No hardware: nothing to select.
        .Variant(K, "absent", "generic", ["absent.ko"], device: "ffff");

    [Fact]
    public void Dry_run_plans_the_installers_choice_and_changes_nothing()
    {
        using HandTree tree = Tree();
        Assert.Equal(0, tree.Run("select", "kept", "generic", "--no-hooks").ExitCode);

        ProcessResult result = tree.Run("auto-select", "--dry-run");

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement reply = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.True(reply.GetProperty("dry_run").GetBoolean());
        Assert.Equal(["prio=dell", "spec=dell", "vers=new"], reply.GetProperty("plan").EnumerateArray().Select(c => c.GetProperty("driver").GetString() + "=" + c.GetProperty("variant").GetString()));
        Assert.Equal(["kept.ko"], tree.UpdatesNames(K));
    }

    [Fact]
    public void Auto_select_applies_the_plan()
    {
        using HandTree tree = Tree();

        ProcessResult result = tree.Run("auto-select", "--no-hooks");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("../dmv/prio/dell/prio.ko", tree.LinkTarget(K, "prio.ko"));
        Assert.Equal("../dmv/spec/dell/spec.ko", tree.LinkTarget(K, "spec.ko"));
        Assert.Equal("../dmv/vers/new/vers.ko", tree.LinkTarget(K, "vers.ko"));
        Assert.Equal("../dmv/kept/dell/kept.ko", tree.LinkTarget(K, "kept.ko"));
        Assert.Null(tree.LinkTarget(K, "absent.ko"));
        Assert.Equal(4, JsonDocument.Parse(result.Stdout).RootElement.GetProperty("selected").GetArrayLength());

        ProcessResult again = tree.Run("auto-select", "--dry-run");
        Assert.Equal(0, JsonDocument.Parse(again.Stdout).RootElement.GetProperty("plan").GetArrayLength());
    }
}
