using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 10: callers pass back what -l printed (info.json's name and variant), the installer may
/// pass folder names; both select the same variant, and what -l lists can always be selected.
/// </summary>
public class NameTests
{
    private const string K = "6.1.0-1-amd64";

    private static JsonElement Listed(HandTree tree)
    {
        ProcessResult list = tree.Run("-l");
        Assert.True(list.ExitCode == 0, list.ToString());
        ContractChecker.AssertAccepted("list", list.Stdout);
        return JsonDocument.Parse(list.Stdout).RootElement.GetProperty("drivers");
    }

    /// <summary>As xapi and the installer call it.</summary>
    private static ProcessResult Select(HandTree tree, string driver, string variant) => tree.Run("-s", "-n", driver, "-v", variant, "--no-hooks");

    private static string? Selected(HandTree tree, string driver)
    {
        JsonElement selected = Listed(tree).GetProperty(driver).GetProperty("selected");
        return selected.ValueKind == JsonValueKind.Null ? null : selected.GetString();
    }

    [Fact]
    public void The_xapi_flow_works_when_folder_names_differ_from_info_json_names()
    {
        using HandTree tree = new HandTree()
            .Variant(K, "ice", "gen", ["ice.ko"], name: ("intel-ice", "generic"))
            .Variant(K, "ice", "dell-v2", ["ice.ko"], subVendor: "1028", name: ("intel-ice", "dell"));

        JsonElement drivers = Listed(tree);
        Assert.Equal(["intel-ice"], drivers.EnumerateObject().Select(d => d.Name));
        Assert.Equal(["dell", "generic"], drivers.GetProperty("intel-ice").GetProperty("variants").EnumerateObject().Select(v => v.Name));

        ProcessResult select = Select(tree, "intel-ice", "dell");
        Assert.True(select.ExitCode == 0, select.ToString());
        ContractChecker.AssertAccepted("select", select.Stdout, "intel-ice", "dell");
        Assert.Equal("../dmv/ice/dell-v2/ice.ko", tree.LinkTarget(K, "ice.ko"));
        Assert.Equal("dell", Selected(tree, "intel-ice"));

        ProcessResult deselect = tree.Run("-d", "intel-ice", "--no-hooks");
        Assert.True(deselect.ExitCode == 0, deselect.ToString());
        ContractChecker.AssertAccepted("deselect", deselect.Stdout, "intel-ice");
        Assert.Null(tree.LinkTarget(K, "ice.ko"));
        Assert.Null(Selected(tree, "intel-ice"));
        Assert.Equal(["intel-ice"], File.ReadAllLines(tree.Path("var/lib/driver-tool/deselected")));

        // The installer's chroot call may name the folders: the same variant, reported by its listed names.
        ProcessResult byFolder = Select(tree, "ice", "dell-v2");
        Assert.True(byFolder.ExitCode == 0, byFolder.ToString());
        ContractChecker.AssertAccepted("select", byFolder.Stdout, "intel-ice", "dell");
        Assert.Equal("dell", Selected(tree, "intel-ice"));

        // explain and reconcile take the listed name too.
        Assert.Equal(0, tree.Run("explain", "intel-ice").ExitCode);
        ProcessResult reconcile = tree.Run("reconcile", "intel-ice", "--no-hooks");
        Assert.True(reconcile.ExitCode == 0, reconcile.ToString());
        Assert.Contains("\"kept\"", reconcile.Stdout);
    }

    [Fact]
    public void Variants_of_one_name_in_two_folders_are_one_driver_whose_every_variant_can_be_selected()
    {
        using HandTree tree = new HandTree()
            .Variant(K, "ice-a", "x", ["ice.ko"], name: ("intel-ice", "generic"))
            .Variant(K, "ice-b", "y", ["ice.ko"], subVendor: "1028", name: ("intel-ice", "dell"));

        Assert.Equal(["dell", "generic"], Listed(tree).GetProperty("intel-ice").GetProperty("variants").EnumerateObject().Select(v => v.Name));
        foreach ((string variant, string target) in new[] { ("generic", "../dmv/ice-a/x/ice.ko"), ("dell", "../dmv/ice-b/y/ice.ko"), ("generic", "../dmv/ice-a/x/ice.ko") })
        {
            ProcessResult select = tree.Run("-s", "-n", "intel-ice", "-v", variant, "--no-hooks");
            Assert.True(select.ExitCode == 0, select.ToString());
            Assert.Equal(target, tree.LinkTarget(K, "ice.ko"));
            Assert.Equal(variant, Selected(tree, "intel-ice"));
        }

        Assert.Equal(0, tree.Run("-d", "intel-ice", "--no-hooks").ExitCode);
        Assert.Empty(tree.UpdatesNames(K));
    }

    [Fact]
    public void Two_folders_defining_the_same_variant_are_listed_apart_each_selectable_by_the_name_listed()
    {
        using HandTree tree = new HandTree()
            .Variant(K, "ice-a", "dell", ["ice.ko"], name: ("intel-ice", "dell"))
            .Variant(K, "ice-b", "dell", ["ice.ko"], name: ("intel-ice", "dell"));

        ProcessResult list = tree.Run("-l");
        Assert.Contains("dmv/ice-a, dmv/ice-b", list.Stderr);
        JsonElement drivers = Listed(tree);
        Assert.Equal(["ice-a", "ice-b"], drivers.EnumerateObject().Select(d => d.Name));
        Assert.Equal("intel-ice", drivers.GetProperty("ice-b").GetProperty("friendly_name").GetString());

        ProcessResult select = Select(tree, "ice-b", "dell");
        Assert.True(select.ExitCode == 0, select.ToString());
        Assert.Equal("../dmv/ice-b/dell/ice.ko", tree.LinkTarget(K, "ice.ko"));
        Assert.Equal("dell", Selected(tree, "ice-b"));
        Assert.Null(Selected(tree, "ice-a"));
    }

    [Fact]
    public void A_folder_holding_two_drivers_is_refused_with_EINVAL_naming_them_and_nothing_changes()
    {
        using HandTree tree = new HandTree()
            .Variant(K, "mix", "a", ["alpha.ko"], name: ("alpha", "a"))
            .Variant(K, "mix", "b", ["beta.ko"], name: ("beta", "b"));

        foreach (string[] command in new[] { new[] { "-s", "-n", "mix", "-v", "a", "--no-hooks" }, ["-d", "mix", "--no-hooks"], ["explain", "mix"], ["reconcile", "mix", "--no-hooks"] })
        {
            ProcessResult result = tree.Run(command);
            Assert.True(result.ExitCode == 22, result.ToString());
            ContractChecker.AssertAccepted("error", result.Stdout);
            Assert.Contains("dmv/mix/", result.Stderr);
            Assert.Contains("'alpha' and 'beta'", result.Stderr);
            Assert.Single(result.Stderr.Trim().Split('\n'));
        }

        Assert.Empty(tree.UpdatesNames(K));
        Assert.Equal(0, Select(tree, "alpha", "a").ExitCode);
        Assert.Equal("../dmv/mix/a/alpha.ko", tree.LinkTarget(K, "alpha.ko"));
    }

    [Fact]
    public void A_variant_folder_name_that_means_two_variants_is_refused_with_EINVAL()
    {
        using HandTree tree = new HandTree()
            .Variant(K, "ice", "v1", ["ice.ko"], name: ("intel-ice", "generic"))
            .Variant(K, "ice-dell", "v1", ["ice.ko"], name: ("intel-ice", "dell"));

        ProcessResult result = Select(tree, "intel-ice", "v1");

        Assert.True(result.ExitCode == 22, result.ToString());
        Assert.Contains("dmv/ice/v1", result.Stderr);
        Assert.Contains("dmv/ice-dell/v1", result.Stderr);
        Assert.Empty(tree.UpdatesNames(K));
    }

    [Fact]
    public void A_listed_name_always_means_the_listed_driver_even_when_it_is_another_drivers_folder()
    {
        // Folders and names swapped: what -l prints must still select what -l listed.
        using HandTree tree = new HandTree()
            .Variant(K, "a", "v", ["one.ko"], name: ("b", "v"))
            .Variant(K, "b", "v", ["two.ko"], name: ("a", "v"));

        ProcessResult result = Select(tree, "a", "v");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("../dmv/b/v/two.ko", tree.LinkTarget(K, "two.ko"));
        Assert.Null(tree.LinkTarget(K, "one.ko"));
        Assert.Contains("also the folder dmv/a/ of driver 'b'", result.Stderr);
        Assert.Equal("v", Selected(tree, "a"));
        Assert.Null(Selected(tree, "b"));
    }

    [Fact]
    public void A_variant_folder_holding_another_variants_folder_links_only_its_own_modules()
    {
        using HandTree tree = new HandTree()
            .Variant(K, "x", "a", ["x.ko"], name: ("drvx", "a"))
            .Variant(K, "x", "a/inner", ["z.ko"], name: ("drvz", "b"));

        ProcessResult result = Select(tree, "drvx", "a");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(["x.ko"], tree.UpdatesNames(K));
        Assert.Null(Selected(tree, "drvz"));
    }

    [Fact]
    public void Links_into_a_duplicate_the_listing_left_out_are_still_the_drivers()
    {
        using HandTree tree = new HandTree()
            .Variant(K, "ice", "dell2", ["ice.ko"], name: ("intel-ice", "dell"))
            .Variant(K, "ice", "generic", ["ice.ko"], name: ("intel-ice", "generic"));
        Assert.Equal(0, Select(tree, "intel-ice", "dell").ExitCode);
        Assert.Equal("../dmv/ice/dell2/ice.ko", tree.LinkTarget(K, "ice.ko"));

        // A package adds another folder with the same variant; the listing keeps that one.
        tree.Variant(K, "ice", "dell", ["ice.ko"], name: ("intel-ice", "dell"));
        ProcessResult select = Select(tree, "intel-ice", "generic");

        Assert.True(select.ExitCode == 0, select.ToString());
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K, "ice.ko"));
        Assert.Equal(0, tree.Run("-d", "intel-ice", "--no-hooks").ExitCode);
        Assert.Empty(tree.UpdatesNames(K));
    }

    [Fact]
    public void A_listed_name_with_a_slash_is_selectable_and_verify_takes_listed_names()
    {
        using HandTree tree = new HandTree()
            .Variant(K, "ab", "v", ["m.ko"], name: ("a/b", "v"))
            .Variant(K, "ice", "gen", ["ice.ko"], name: ("intel-ice", "generic"));

        Assert.Equal(0, Select(tree, "a/b", "v").ExitCode);
        Assert.Equal("v", Selected(tree, "a/b"));

        tree.Link($"lib/modules/{K}/updates/ice.ko", "../dmv/ice/gen/gone.ko");
        ProcessResult verify = tree.Run("verify", "intel-ice");
        Assert.Equal(117, verify.ExitCode);
        Assert.Contains("dangling-link", verify.Stdout);
        Assert.Equal(0, tree.Run("verify", "a/b").ExitCode);
    }
}
