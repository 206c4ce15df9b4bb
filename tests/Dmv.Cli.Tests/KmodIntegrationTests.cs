namespace Dmv.Cli.Tests;

/// <summary>
/// The real loader's view: after driver-tool switches a root whose dmv/ variants hold real Debian
/// modules, Debian's depmod and modinfo resolve the module to updates/ and through it to the
/// selected variant; after deselect, back to the in-tree module.
/// </summary>
public class KmodIntegrationTests
{
    private static ProcessResult Tool(params string[] command) => ExternalCommand.Check(command);

    [Fact]
    public void Without_exclude_dmv_depmod_indexes_the_variants_which_is_why_driver_tool_ships_it()
    {
        string release = DebianKernel.Release;
        string e1000e = Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko"));
        using var tree = new HandTree();
        File.Delete(tree.Path("etc/depmod.d/driver-tool.conf"));
        string inTree = tree.Path($"lib/modules/{release}/{DebianKernel.InTree("e1000e.ko")}");
        Directory.CreateDirectory(Path.GetDirectoryName(inTree)!);
        File.Copy(e1000e, inTree);
        tree.Variant(release, "intel-e1000e", "generic", ["e1000e.ko"], device: "10d3");
        File.Copy(e1000e, tree.Path($"lib/modules/{release}/dmv/intel-e1000e/generic/e1000e.ko"), overwrite: true);

        Tool("depmod", "-b", tree.Root, "-C", tree.Path("etc/depmod.d"), release);
        Assert.NotEqual(inTree, ModinfoPath(tree.Root, release));
        Assert.Equal(117, tree.Run("verify").ExitCode);

        File.Copy(Path.Combine(ToolPaths.RepositoryRoot, "dist/depmod.d/driver-tool.conf"), tree.Path("etc/depmod.d/driver-tool.conf"));
        Tool("depmod", "-b", tree.Root, "-C", tree.Path("etc/depmod.d"), release);
        Assert.Equal(inTree, ModinfoPath(tree.Root, release));
    }

    [Fact]
    public void Depmod_and_modinfo_follow_the_selection()
    {
        string release = DebianKernel.Release;
        string e1000e = Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko"));
        using var tree = new HandTree();
        File.WriteAllText(tree.LspciFile, "00:03.0 \"0200\" \"8086\" \"10d3\" -r00 \"8086\" \"0000\"\n");
        string modules = tree.Path($"lib/modules/{release}");
        Directory.CreateDirectory(modules);
        foreach (string file in new[] { "modules.order", "modules.builtin", "modules.builtin.modinfo" })
        {
            File.Copy(Path.Combine(DebianKernel.ModulesDirectory, file), Path.Combine(modules, file));
        }

        string inTree = Path.Combine(modules, DebianKernel.InTree("e1000e.ko"));
        Directory.CreateDirectory(Path.GetDirectoryName(inTree)!);
        File.Copy(e1000e, inTree);
        tree.Variant(release, "intel-e1000e", "generic", ["e1000e.ko"], device: "10d3")
            .Variant(release, "intel-e1000e", "oem", ["drivers/net/ethernet/e1000e.ko"], device: "10d3", subVendor: "8086");
        File.Copy(e1000e, tree.Path($"lib/modules/{release}/dmv/intel-e1000e/generic/e1000e.ko"), overwrite: true);
        File.Copy(e1000e, tree.Path($"lib/modules/{release}/dmv/intel-e1000e/oem/drivers/net/ethernet/e1000e.ko"), overwrite: true);
        // The tree has etc/depmod.d/driver-tool.conf ("exclude dmv"), as an installed system has.
        string config = tree.Path("etc/depmod.d");
        Tool("depmod", "-b", tree.Root, "-C", config, release);
        Assert.Equal(inTree, ModinfoPath(tree.Root, release));

        // With hooks: driver-tool runs the real depmod itself, for this kernel, under the root.
        ProcessResult selected = tree.Run("-s", "-n", "intel-e1000e", "-v", "oem", "--no-initrd");
        Assert.True(selected.ExitCode == 0, selected.ToString());
        ContractChecker.AssertAccepted("select", selected.Stdout, "intel-e1000e", "oem");
        Assert.Contains("\"hook\":\"depmod\",\"status\":\"ok\"", selected.Stdout);
        AssertResolves(tree, release, "oem/drivers/net/ethernet/e1000e.ko");

        // The issue's own check: a separate depmod run agrees.
        Tool("depmod", "-b", tree.Root, "-C", config, release);
        AssertResolves(tree, release, "oem/drivers/net/ethernet/e1000e.ko");

        Assert.Equal(0, tree.Run("select", "intel-e1000e", "generic", "--no-initrd").ExitCode);
        AssertResolves(tree, release, "generic/e1000e.ko");

        ProcessResult deselected = tree.Run("-d", "intel-e1000e", "--no-initrd");
        Assert.True(deselected.ExitCode == 0, deselected.ToString());
        ContractChecker.AssertAccepted("deselect", deselected.Stdout, "intel-e1000e");
        Assert.Equal(inTree, ModinfoPath(tree.Root, release));
        Tool("depmod", "-b", tree.Root, "-C", config, release);
        Assert.Equal(inTree, ModinfoPath(tree.Root, release));

        // Debian's e1000e has no XenServer note, so verify rightly says no variant names itself; nothing else.
        ProcessResult verify = tree.Run("verify");
        NonEmpty.All(System.Text.Json.JsonDocument.Parse(verify.Stdout).RootElement.GetProperty("problems").EnumerateArray(),
            p => Assert.Equal("note-mismatch", p.GetProperty("kind").GetString()));
    }

    private static void AssertResolves(HandTree tree, string release, string variantFile)
    {
        string path = ModinfoPath(tree.Root, release);
        Assert.Equal(tree.Path($"lib/modules/{release}/updates/e1000e.ko"), path);
        Assert.Equal(tree.Path($"lib/modules/{release}/dmv/intel-e1000e/{variantFile}"), new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)!.FullName);
        // modinfo reads the module through the link: the real module's own fields come back.
        Assert.Equal("e1000e", Tool("modinfo", "-b", tree.Root, "-k", release, "-F", "name", "e1000e").Stdout.Trim());
    }

    private static string ModinfoPath(string root, string release) =>
        Tool("modinfo", "-b", root, "-k", release, "-n", "e1000e").Stdout.Trim();
}
