using System.Text.Json;

namespace Dmv.Cli.Tests;

public class ReconcileTests
{
    private const string K = "6.1.0-1-amd64";

    [Fact]
    public void A_removed_selected_variant_gives_way_to_auto_selects_choice()
    {
        using HandTree tree = new HandTree().Variant(K, "ice", "generic", ["ice.ko"]).Variant(K, "ice", "dell", ["ice.ko"], subVendor: "1028", priority: "40");
        Assert.Equal(0, tree.Run("select", "ice", "dell", "--no-hooks").ExitCode);
        Directory.Delete(tree.Path($"lib/modules/{K}/dmv/ice/dell"), recursive: true);

        ProcessResult result = tree.Run("reconcile", "ice", "--no-hooks");

        Assert.True(result.ExitCode == 0, result.ToString());
        JsonElement action = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("reconciled")[0];
        Assert.Equal("selected", action.GetProperty("action").GetString());
        Assert.Equal("generic", action.GetProperty("variant").GetString());
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K, "ice.ko"));
        Assert.Equal(0, tree.Run("verify").ExitCode);
    }

    [Fact]
    public void Pending_drivers_are_taken_once()
    {
        using HandTree tree = new HandTree().Variant(K, "ice", "generic", ["ice.ko"]);
        tree.File("var/lib/driver-tool/pending", "ice\nice\nnot/a/name\n");

        ProcessResult first = tree.Run("reconcile", "--pending", "--no-hooks");
        ProcessResult second = tree.Run("reconcile", "--pending", "--no-hooks");

        Assert.Equal("generic", JsonDocument.Parse(first.Stdout).RootElement.GetProperty("reconciled").EnumerateArray().Single().GetProperty("variant").GetString());
        Assert.Equal(0, JsonDocument.Parse(second.Stdout).RootElement.GetProperty("reconciled").GetArrayLength());
        Assert.False(File.Exists(tree.Path("var/lib/driver-tool/pending")));
    }

    [Fact]
    public void A_pending_list_another_user_wrote_is_not_obeyed()
    {
        using HandTree tree = new HandTree().Variant(K, "ice", "generic", ["ice.ko"]);
        tree.File("var/lib/driver-tool/pending", "ice\n");
        ExternalCommand.Check(["chown", "65534", tree.Path("var/lib/driver-tool/pending")]);

        ProcessResult result = tree.Run("reconcile", "--pending", "--no-hooks");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("belongs to user 65534", result.Stderr);
        Assert.Equal(0, JsonDocument.Parse(result.Stdout).RootElement.GetProperty("reconciled").GetArrayLength());
        Assert.Null(tree.LinkTarget(K, "ice.ko"));
    }

    [Fact]
    public void Reconcile_needs_names_or_pending()
    {
        using HandTree tree = new HandTree().Variant(K, "ice", "generic", ["ice.ko"]);

        Assert.Equal(22, tree.Run("reconcile").ExitCode);
        // A name is looked up, never used as a path: '../x' is simply no driver here.
        Assert.Equal(2, tree.Run("reconcile", "../x").ExitCode);
        Assert.Equal(22, tree.Run("reconcile", "a\nb").ExitCode);
    }
}
