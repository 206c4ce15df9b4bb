using System.Diagnostics;
using System.Text.Json;
using Dmv.Fixtures;

namespace Dmv.Cli.Tests;

/// <summary>
/// Each case breaks one thing in a generated tree. The listing must go on with everything else,
/// print exactly one warning line naming the file and the reason, exit 0, and fail with EUCLEAN
/// under --strict. Never a stack trace.
/// </summary>
public class BadInputTests
{
    private static void AssertListedDespite(GeneratedTree tree, string pathFragment, string reasonFragment, bool asNobody = false, int expectedDrivers = -1)
    {
        ProcessResult result = DriverTool.Run(["--root", tree.Root, "-l"], stdin: null, asNobody);

        Assert.True(result.ExitCode == 0, result.ToString());
        ContractChecker.AssertAccepted("list", result.Stdout);
        string warning = Assert.Single(result.StderrLines);
        Assert.StartsWith("driver-tool: warning: ", warning);
        Assert.Contains(pathFragment, warning);
        Assert.Contains(reasonFragment, warning);
        Assert.DoesNotContain("   at ", result.Stderr);
        using JsonDocument listing = JsonDocument.Parse(result.Stdout);
        int listed = listing.RootElement.GetProperty("drivers").EnumerateObject().Count();
        Assert.Equal(expectedDrivers >= 0 ? expectedDrivers : tree.Manifest.Drivers.Count, listed);

        ProcessResult strict = DriverTool.Run(["--root", tree.Root, "-l", "--strict"], stdin: null, asNobody);
        Assert.Equal(117, strict.ExitCode);
        ContractChecker.AssertAccepted("error", strict.Stdout);
        Assert.Contains("--strict", strict.StderrLines[^1]);
    }

    private static string InfoPath(GeneratedTree tree, int driver, int variant) =>
        tree.Path($"lib/modules/{tree.Manifest.Kernels[0]}/dmv/{tree.Manifest.Drivers[driver].Name}/{tree.Manifest.Drivers[driver].Variants[variant].Name}/info.json");

    [Fact]
    public void Malformed_info_json()
    {
        using var tree = new GeneratedTree();
        string info = InfoPath(tree, 1, 1);
        File.WriteAllText(info, "{\"category\": \"network\", \"name\": ");

        AssertListedDespite(tree, info, "not valid JSON");
    }

    [Fact]
    public void Incomplete_info_json()
    {
        using var tree = new GeneratedTree();
        string info = InfoPath(tree, 2, 0);
        var document = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(info))!.AsObject();
        document.Remove("priority");
        File.WriteAllText(info, document.ToJsonString());

        AssertListedDespite(tree, info, "missing key 'priority'");
    }

    [Fact]
    public void The_only_info_json_of_a_driver_broken_drops_that_driver_alone()
    {
        using var tree = new GeneratedTree(new HostTreeSpec { Seed = 2, Kernels = 1, Drivers = 3, VariantsPerDriver = 1 });
        string info = InfoPath(tree, 0, 0);
        File.WriteAllBytes(info, [0xff, 0xfe, 0x00, 0x01]);

        AssertListedDespite(tree, info, "JSON", expectedDrivers: 2);
    }

    [Fact]
    public void Truncated_note_file()
    {
        using var tree = new GeneratedTree();
        string note = tree.Path("sys/module/ice/notes/.note.XenServer");
        byte[] bytes = File.ReadAllBytes(note);
        File.WriteAllBytes(note, bytes[..(bytes.Length - 9)]);

        AssertListedDespite(tree, note, "truncated");
    }

    [Fact]
    public void Garbage_note_file()
    {
        using var tree = new GeneratedTree();
        string note = tree.Path("sys/module/ice/notes/.note.XenServer");
        File.WriteAllBytes(note, [0xff, 0xff, 0xff, 0x7f, 1, 0, 0, 0, 1, 0, 0, 0, 0x41, 0x42]);

        AssertListedDespite(tree, note, "truncated");
    }

    [Fact]
    public void Unreadable_directory()
    {
        using var tree = new GeneratedTree();
        string variant = Path.GetDirectoryName(InfoPath(tree, 3, 2))!;
        File.SetUnixFileMode(variant, UnixFileMode.None);

        AssertListedDespite(tree, variant, "Permission denied", asNobody: Environment.UserName == "root");
    }

    [Fact]
    public void Link_loop_in_updates()
    {
        using var tree = new GeneratedTree();
        string link = tree.Path($"lib/modules/{tree.Manifest.Kernels[1]}/updates/loop.ko");
        File.CreateSymbolicLink(link, "loop.ko");

        AssertListedDespite(tree, link, "Too many levels of symbolic links");
    }

    [Fact]
    public void Link_escaping_the_root()
    {
        using var tree = new GeneratedTree();
        string link = tree.Path($"lib/modules/{tree.Manifest.Kernels[0]}/updates/escape.ko");
        File.CreateSymbolicLink(link, "../../../../../../../../../../../../etc/passwd");

        AssertListedDespite(tree, link, "outside the root");
    }

    [Fact]
    public void Non_utf8_name()
    {
        using var tree = new GeneratedTree();
        string parent = Path.GetDirectoryName(Path.GetDirectoryName(InfoPath(tree, 0, 0)))!;
        // .NET cannot make a name that is not UTF-8; Python can.
        var make = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        make.ArgumentList.Add("-c");
        make.ArgumentList.Add("import os, sys; os.mkdir(os.fsencode(sys.argv[1]) + b'/bad-\\xff-name')");
        make.ArgumentList.Add(parent);
        Assert.Equal(0, DriverTool.Execute(make, null).ExitCode);

        AssertListedDespite(tree, parent + "/bad-", "not valid UTF-8");
    }

    [Fact]
    public void Dangling_link_in_updates()
    {
        using var tree = new GeneratedTree();
        string link = tree.Path($"lib/modules/{tree.Manifest.Kernels[0]}/updates/gone.ko");
        File.CreateSymbolicLink(link, "../dmv/removed/variant/gone.ko");

        AssertListedDespite(tree, link, "No such file or directory");
    }

    [Fact]
    public void Empty_tree()
    {
        string root = Path.Combine(Path.GetTempPath(), "dmv-empty-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            ProcessResult result = DriverTool.Run("--root", root, "-l");

            Assert.Equal(0, result.ExitCode);
            ContractChecker.AssertAccepted("list", result.Stdout);
            Assert.Equal("{\"protocol\":{\"version\":0.1},\"operation\":{\"reboot\":false},\"drivers\":{}}\n", result.Stdout);
            Assert.Equal(2, result.StderrLines.Length);
            Assert.Contains(result.StderrLines, line => line.Contains(root + "/lib/modules") && line.Contains("No such file or directory"));
            Assert.Contains(result.StderrLines, line => line.Contains(root + "/sys/bus/pci/devices"));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Bad_lspci_line()
    {
        using var tree = new GeneratedTree();
        string lspci = tree.Path("lspci-bad.txt");
        File.WriteAllText(lspci, tree.Manifest.LspciText + "this is not lspci output\n");

        ProcessResult result = tree.List("--lspci", lspci);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(tree.List().Stdout, result.Stdout);
        string warning = Assert.Single(result.StderrLines);
        Assert.Contains($"{lspci}: line {tree.Manifest.PciDeviceCount + 1}:", warning);
    }
}
