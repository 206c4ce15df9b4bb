using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// The switch transaction shared by select, auto-select and reconcile: a switch that fails after
/// its commit mark leaves its journal for the next run and stops the command's later switches; a
/// foreign file moved aside is never lost; reconcile says what it did to each kernel.
/// </summary>
public class TransactionTests
{
    private const string K = "6.1.0-1-amd64";
    private const string K2 = "6.2.0-1-amd64";

    [Fact]
    public void A_switch_that_fails_after_its_commit_stops_the_later_switches_and_the_next_run_completes_it()
    {
        using HandTree tree = new HandTree().Variant(K, "alpha", "one", ["a.ko"]).Variant(K, "beta", "one", ["b.ko"]);
        string foreign = tree.Path($"lib/modules/{K}/updates/a.ko");
        File.WriteAllText(foreign, "a module installed by hand");

        // An immutable file cannot be renamed: moving it aside fails after the commit mark.
        ExternalCommand.Check(["chattr", "+i", foreign]);
        ProcessResult result;
        try
        {
            result = tree.Run("auto-select", "--force", "--no-hooks");
        }
        finally
        {
            ExternalCommand.Check(["chattr", "-i", foreign]);
        }

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("the next driver-tool run completes it", result.Stderr);
        Assert.Contains("not attempted", result.Stderr);
        Assert.True(File.Exists(tree.Path("var/lib/driver-tool/journal")), "the committed journal must stay for recovery");
        Assert.Null(tree.LinkTarget(K, "b.ko"));

        ProcessResult listing = tree.Run("-l");
        Assert.Equal(0, listing.ExitCode);
        Assert.Contains("was completed", listing.Stderr);
        Assert.Equal("one", JsonDocument.Parse(listing.Stdout).RootElement.GetProperty("drivers").GetProperty("alpha").GetProperty("selected").GetString());
        string aside = Assert.Single(tree.UpdatesNames(K), n => n.StartsWith("a.ko.saved-by-driver-tool-", StringComparison.Ordinal));
        Assert.Equal("a module installed by hand", File.ReadAllText(tree.Path($"lib/modules/{K}/updates/{aside}")));
        Assert.False(File.Exists(tree.Path("var/lib/driver-tool/journal")));
    }

    [Fact]
    public void A_foreign_file_is_moved_aside_to_a_free_name_even_when_the_usual_names_are_taken()
    {
        using HandTree tree = new HandTree().Variant(K, "alpha", "one", ["a.ko"]);
        string updates = tree.Path($"lib/modules/{K}/updates");
        File.WriteAllText(Path.Combine(updates, "a.ko"), "precious");
        DateTime now = DateTime.UtcNow;
        for (int second = -2; second < 30; second++)
        {
            File.WriteAllText(Path.Combine(updates, "a.ko.saved-by-driver-tool-" + now.AddSeconds(second).ToString("yyyyMMdd'T'HHmmss'Z'")), "decoy");
        }

        ProcessResult result = tree.Run("select", "alpha", "one", "--force", "--no-hooks");

        Assert.Equal(0, result.ExitCode);
        string moved = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("moved_aside")[0].GetString()!;
        string asideName = moved[(moved.LastIndexOf('/') + 1)..];
        Assert.Equal("precious", File.ReadAllText(Path.Combine(updates, asideName)));
        Assert.Equal("../dmv/alpha/one/a.ko", tree.LinkTarget(K, "a.ko"));
    }

    [Fact]
    public void Reconcile_says_a_refused_kernel_loses_its_links_and_where_links_changed()
    {
        using HandTree tree = new HandTree().Variant(K, "alpha", "one", ["a.ko"]).Variant(K2, "alpha", "one", ["a.ko"]);
        Assert.Equal(0, tree.Run("select", "alpha", "one", "--no-hooks").ExitCode);
        File.Delete(tree.Path($"lib/modules/{K}/dmv/alpha/one/a.ko"));

        ProcessResult result = tree.Run("reconcile", "alpha", "--no-hooks");

        Assert.Equal(0, result.ExitCode);
        Assert.Contains($"not switched in kernel {K}, whose links of the driver are removed", result.Stderr);
        Assert.DoesNotContain("keeps what it had", result.Stderr);
        JsonElement action = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("reconciled")[0];
        string detail = action.GetProperty("detail").GetString()!;
        Assert.Contains($"links removed in {K}", detail);
        Assert.DoesNotContain("re-pointed", detail);
        Assert.Null(tree.LinkTarget(K, "a.ko"));
        Assert.Equal("../dmv/alpha/one/a.ko", tree.LinkTarget(K2, "a.ko"));
    }
}
