using System.Text.Json;
using Dmv.Fixtures;

namespace Dmv.Cli.Tests;

public class ListCommandTests
{
    [Theory]
    [InlineData(1, 1, 1, 1, 2)]
    [InlineData(2, 2, 8, 3, 12)]
    [InlineData(3, 3, 20, 4, 40)]
    public void The_listing_passes_the_callers_check_and_says_what_was_planted(int seed, int kernels, int drivers, int variants, int devices)
    {
        using var tree = new GeneratedTree(new HostTreeSpec { Seed = seed, Kernels = kernels, Drivers = drivers, VariantsPerDriver = variants, PciDevices = devices });

        ProcessResult result = tree.List();

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("", result.Stderr);
        ContractChecker.AssertAccepted("list", result.Stdout);
        using JsonDocument document = JsonDocument.Parse(result.Stdout);
        JsonElement listed = document.RootElement.GetProperty("drivers");
        Assert.Equal(tree.Manifest.Drivers.Count, listed.EnumerateObject().Count());
        foreach (ExpectedDriver expected in tree.Manifest.Drivers)
        {
            JsonElement driver = listed.GetProperty(expected.Name);
            Assert.Equal(expected.Category, driver.GetProperty("type").GetString());
            Assert.Equal(expected.Name, driver.GetProperty("friendly_name").GetString());
            Assert.Equal(expected.Name, driver.GetProperty("info").GetString());
            Assert.Equal(expected.Active, driver.GetProperty("active").GetString());
            Assert.Equal(expected.LoadedModules, driver.GetProperty("loaded modules").EnumerateArray().Select(e => e.GetString()!));
            foreach (ExpectedVariant variant in expected.Variants)
            {
                JsonElement listedVariant = driver.GetProperty("variants").GetProperty(variant.Name);
                Assert.Equal(variant.Version, listedVariant.GetProperty("version").GetString());
                Assert.Equal(variant.HardwarePresent, listedVariant.GetProperty("hardware_present").GetBoolean());
                Assert.Equal(variant.PriorityText, listedVariant.GetProperty("priority").GetRawText());
                Assert.Equal(variant.Status, listedVariant.GetProperty("status").GetString());
            }
        }
    }

    [Fact]
    public void List_and_dash_l_are_the_same_command()
    {
        using var tree = new GeneratedTree();

        Assert.Equal(tree.List().Stdout, DriverTool.Run("list", "--root", tree.Root).Stdout);
    }

    [Fact]
    public void Lspci_text_from_a_file_or_stdin_gives_what_sysfs_gives()
    {
        using var tree = new GeneratedTree();
        string fromSysfs = tree.List().Stdout;

        ProcessResult fromFile = tree.List("--lspci", tree.Path("lspci-nm.txt"));
        ProcessResult fromStdin = DriverTool.Run(["--root", tree.Root, "-l", "--lspci", "-"], tree.Manifest.LspciText);

        Assert.Equal(fromSysfs, fromFile.Stdout);
        Assert.Equal(fromSysfs, fromStdin.Stdout);
        Assert.Contains("\"hardware_present\":true", fromSysfs);
    }

    [Fact]
    public void The_table_shows_state_and_pending_reboots()
    {
        using var tree = new GeneratedTree();

        ProcessResult result = tree.List("--format", "table");

        Assert.Equal(0, result.ExitCode);
        string[] lines = result.Stdout.Split('\n');
        Assert.StartsWith("DRIVER", lines[0]);
        foreach (string header in new[] { "TYPE", "VARIANT", "VERSION", "PRIORITY", "STATUS", "HARDWARE", "SELECTED", "ACTIVE" })
        {
            Assert.Contains(header, lines[0]);
        }

        foreach (ExpectedDriver driver in tree.Manifest.Drivers)
        {
            Assert.Contains(lines, line => line.StartsWith(driver.Name + " ", StringComparison.Ordinal));
        }

        Assert.Contains(lines, line => line.Contains(" selected "));
        Assert.Contains(lines, line => line.TrimEnd().EndsWith(" active", StringComparison.Ordinal));
        using JsonDocument json = JsonDocument.Parse(tree.List().Stdout);
        bool reboot = json.RootElement.GetProperty("operation").GetProperty("reboot").GetBoolean();
        Assert.Equal(reboot, result.Stdout.Contains("! reboot pending"));
        Assert.True(reboot, "the default generated tree plants a driver whose loaded variant differs from its selection");
    }

    [Fact]
    public void A_tree_without_sysfs_lists_every_variant_without_hardware()
    {
        using var tree = new GeneratedTree(new HostTreeSpec { Seed = 9, Drivers = 5, WithSysfs = false });

        ProcessResult result = tree.List();

        Assert.Equal(0, result.ExitCode);
        ContractChecker.AssertAccepted("list", result.Stdout);
        Assert.DoesNotContain("\"hardware_present\":true", result.Stdout);
        Assert.Contains(result.StderrLines, line => line.Contains("/sys/bus/pci/devices"));
    }
}
