using System.Text.Json;

namespace Dmv.Cli.Tests;

public class VerifyTests
{
    private const string K = "6.1.0-1-amd64";

    private static HandTree Selected()
    {
        HandTree tree = new HandTree().Variant(K, "ice", "generic", ["ice.ko", "irdma.ko"]).Variant(K, "ice", "dell", ["ice.ko", "irdma.ko"], subVendor: "1028");
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        return tree;
    }

    private static (int Exit, JsonElement Reply) Verify(HandTree tree, params string[] extra)
    {
        ProcessResult result = tree.Run(["verify", .. extra]);
        return (result.ExitCode, JsonDocument.Parse(result.Stdout).RootElement);
    }

    [Fact]
    public void A_clean_tree_is_clean()
    {
        using HandTree tree = Selected();

        (int exit, JsonElement reply) = Verify(tree);

        Assert.Equal(0, exit);
        Assert.True(reply.GetProperty("clean").GetBoolean());
    }

    [Fact]
    public void A_dangling_link_is_reported_and_repaired()
    {
        using HandTree tree = Selected();
        tree.Link($"lib/modules/{K}/updates/gone.ko", "../dmv/ice/removed/gone.ko");

        (int exit, JsonElement reply) = Verify(tree);
        Assert.Equal(117, exit);
        Assert.Equal("dangling-link", reply.GetProperty("problems")[0].GetProperty("kind").GetString());

        (exit, reply) = Verify(tree, "--repair");
        Assert.Equal(0, exit);
        Assert.True(reply.GetProperty("problems")[0].GetProperty("repaired").GetBoolean());
        Assert.False(File.Exists(tree.Path($"lib/modules/{K}/updates/gone.ko")) || new FileInfo(tree.Path($"lib/modules/{K}/updates/gone.ko")).LinkTarget is not null);
        Assert.Equal(0, Verify(tree).Exit);
    }

    [Fact]
    public void Leftover_staged_links_are_repaired_and_a_journal_temporary_is_removed_without_being_a_problem()
    {
        using HandTree tree = Selected();
        tree.Link($"lib/modules/{K}/updates/.ice.ko.driver-tool-123-abc", "../dmv/ice/dell/ice.ko");
        tree.File("var/lib/driver-tool/journal.tmp", "{\"half");

        (int exit, JsonElement reply) = Verify(tree);
        Assert.Equal(117, exit);
        Assert.Equal(["leftover-staged-link"], reply.GetProperty("problems").EnumerateArray().Select(p => p.GetProperty("kind").GetString()));
        Assert.False(File.Exists(tree.Path("var/lib/driver-tool/journal.tmp")));

        Assert.Equal(0, Verify(tree, "--repair").Exit);
        Assert.Equal(0, Verify(tree).Exit);
    }

    [Fact]
    public void A_half_switched_driver_is_reported_not_guessed_at()
    {
        using HandTree tree = Selected();
        File.Delete(tree.Path($"lib/modules/{K}/updates/irdma.ko"));
        tree.Link($"lib/modules/{K}/updates/irdma.ko", "../dmv/ice/dell/irdma.ko");

        (int exit, JsonElement reply) = Verify(tree, "--repair");

        Assert.Equal(117, exit);
        JsonElement problem = Assert.Single(reply.GetProperty("problems").EnumerateArray());
        Assert.Equal("mixed-variants", problem.GetProperty("kind").GetString());
        Assert.False(problem.GetProperty("repaired").GetBoolean());
        Assert.Equal(0, tree.Run("select", "ice", "dell", "--no-hooks", "--force").ExitCode);
        Assert.Equal(0, Verify(tree).Exit);
    }

    [Fact]
    public void A_link_to_a_variant_without_info_json_is_reported()
    {
        using HandTree tree = Selected();
        File.Delete(tree.Path($"lib/modules/{K}/dmv/ice/generic/info.json"));

        (int exit, JsonElement reply) = Verify(tree);

        Assert.Equal(117, exit);
        NonEmpty.All(reply.GetProperty("problems").EnumerateArray(), p => Assert.Equal("variant-without-info-json", p.GetProperty("kind").GetString()));
    }

    [Fact]
    public void A_system_whose_depmod_indexes_dmv_is_reported_and_repaired()
    {
        using HandTree tree = Selected();
        File.Delete(tree.Path("etc/depmod.d/driver-tool.conf"));

        (int exit, JsonElement reply) = Verify(tree);
        Assert.Equal(117, exit);
        Assert.Equal("dmv-not-excluded-from-depmod", Assert.Single(reply.GetProperty("problems").EnumerateArray()).GetProperty("kind").GetString());

        Assert.Equal(0, Verify(tree, "--repair").Exit);
        Assert.Contains("exclude dmv", File.ReadAllText(tree.Path("etc/depmod.d/driver-tool.conf")));
        Assert.Equal(0, Verify(tree).Exit);
    }

    [Fact]
    public void A_module_whose_note_names_another_variant_is_a_verify_error()
    {
        using HandTree tree = Selected();
        File.Copy(tree.Path($"lib/modules/{K}/dmv/ice/dell/ice.ko"), tree.Path($"lib/modules/{K}/dmv/ice/generic/ice.ko"), overwrite: true);

        (int exit, JsonElement reply) = Verify(tree, "--repair");

        Assert.Equal(117, exit);
        JsonElement problem = Assert.Single(reply.GetProperty("problems").EnumerateArray());
        Assert.Equal("note-mismatch", problem.GetProperty("kind").GetString());
        Assert.Contains("names 'dell', but info.json says variant 'generic'", problem.GetProperty("detail").GetString());
        Assert.False(problem.GetProperty("repaired").GetBoolean());
    }

    [Fact]
    public void Explain_shows_which_device_matched_which_id_and_why_a_variant_is_not_eligible()
    {
        using HandTree tree = Selected();

        JsonElement reply = JsonDocument.Parse(tree.Run("explain", "ice").Stdout).RootElement;

        var variants = reply.GetProperty("variants").EnumerateArray().ToDictionary(v => v.GetProperty("variant").GetString()!);
        Assert.True(variants["generic"].GetProperty("eligible").GetBoolean());
        Assert.Equal("01:00.0 8086:1592 1028:0001", variants["generic"].GetProperty("pci_matches")[0].GetProperty("device").GetString());
        Assert.True(variants["dell"].GetProperty("eligible").GetBoolean());
        Assert.Equal("dell", reply.GetProperty("best_eligible_choice").GetString());
        Assert.Equal("generic", reply.GetProperty("selected").GetString());
        Assert.Equal(2, tree.Run("explain", "nosuch").ExitCode);
        Assert.Contains("kernel 6.1.0-1-amd64:", tree.Run("explain", "ice", "--format", "table").Stdout);
    }

    [Fact]
    public void Verify_of_one_driver_ignores_the_others()
    {
        using HandTree tree = Selected();
        tree.Link($"lib/modules/{K}/updates/gone.ko", "../dmv/other/x/gone.ko");

        Assert.Equal(0, Verify(tree, "ice").Exit);
        Assert.Equal(117, Verify(tree, "other").Exit);
    }
}
