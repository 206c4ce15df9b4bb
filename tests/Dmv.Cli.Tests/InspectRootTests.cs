namespace Dmv.Cli.Tests;

/// <summary>inspect under --root reads only the managed system: a link in a path, or one found by the module lookup, resolves inside the root.</summary>
public class InspectRootTests
{
    private const string K = "6.1.0-1-amd64";

    [Fact]
    public void Links_out_of_the_root_are_not_followed_by_path_or_by_name()
    {
        using var tree = new HandTree();
        string outside = Path.Combine(Path.GetTempPath(), "dmv-outside-" + Guid.NewGuid().ToString("N")[..8] + ".ko");
        File.Copy(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko")), outside);
        try
        {
            tree.Link($"lib/modules/{K}/kernel/abslink.ko", outside);
            tree.Link($"lib/modules/{K}/kernel/rellink.ko", "../../../../../../../../.." + outside);

            foreach (string[] args in new[] { new[] { "inspect", $"/lib/modules/{K}/kernel/abslink.ko" }, ["--kernel", K, "inspect", "rellink"], ["inspect", "/../" + Path.GetFileName(outside)] })
            {
                ProcessResult result = DriverTool.Run(["--root", tree.Root, .. args]);
                Assert.True(result.ExitCode is 2 or 18, result.ToString());
                Assert.DoesNotContain("e1000e", result.Stdout);
            }
        }
        finally
        {
            File.Delete(outside);
        }
    }
}
