using System.Text;
using System.Text.Json;
using Dmv.Fixtures;

namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 10: bad input is contained to what it touches. No stack trace, no abort, no hang, and never
/// a silently shorter answer: a failure of the command is one line and a documented errno.
/// </summary>
public class ContainmentTests
{
    private const string K = "6.1.0-1-amd64";

    private static HandTree TwoDrivers() => new HandTree()
        .Variant(K, "ice", "generic", ["ice.ko"])
        .Variant(K, "ice", "dell", ["ice.ko"], subVendor: "1028", priority: "40")
        .Variant(K, "igb", "generic", ["igb.ko"], device: "1533");


    [Theory]
    [InlineData("name", "\"ice\\udfff\"")]
    [InlineData("description", "\"bad \\udc00 surrogate\"")]
    [InlineData("version", "BYTES")]
    public void A_badly_encoded_info_json_drops_that_variant_only(string field, string value)
    {
        using HandTree tree = TwoDrivers();
        string file = tree.Path($"lib/modules/{K}/dmv/ice/dell/info.json");
        string json = File.ReadAllText(file);
        int start = json.IndexOf($"\"{field}\":\"", StringComparison.Ordinal) + field.Length + 4;
        int end = json.IndexOf('"', start) + 1;
        byte[] before = Encoding.UTF8.GetBytes(json[..(start - 1)]);
        byte[] after = Encoding.UTF8.GetBytes(json[end..]);
        byte[] middle = value == "BYTES" ? [(byte)'"', (byte)'1', 0xFF, 0xFE, (byte)'"'] : Encoding.UTF8.GetBytes(value);
        File.WriteAllBytes(file, [.. before, .. middle, .. after]);

        foreach (string[] command in new[] { new[] { "-l" }, ["auto-select", "--dry-run"], ["kernels"], ["explain", "ice"] })
        {
            ProcessResult result = tree.Run(command);
            Contained.Assert(result, string.Join(' ', command));
            Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result}");
        }

        JsonElement drivers = JsonDocument.Parse(tree.Run("-l").Stdout).RootElement.GetProperty("drivers");
        Assert.True(drivers.TryGetProperty("igb", out _));
        Assert.Contains("not valid Unicode", tree.Run("-l").Stderr);
        ProcessResult verify = tree.Run("verify");
        Assert.Equal(117, verify.ExitCode);
        Assert.Contains("dell/info.json", verify.Stdout);
    }

    [Fact]
    public void A_priority_callers_cannot_hold_makes_the_variant_malformed()
    {
        using HandTree tree = new HandTree()
            .Variant(K, "ice", "generic", ["ice.ko"])
            .Variant(K, "ice", "dell", ["ice.ko"], priority: "4611686018427387904");

        ProcessResult result = tree.Run("-l");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("2^53", result.Stderr);
        JsonElement variants = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("drivers").GetProperty("ice").GetProperty("variants");
        Assert.False(variants.TryGetProperty("dell", out _));
        Assert.Equal(117, tree.Run("-l", "--strict").ExitCode);
    }

    [Theory]
    // Whatever stopped the reply (a full disk, a closed descriptor), the status says the reply was not delivered.
    [InlineData("/dev/full", 32)]
    [InlineData("CLOSED", 32)]
    public void A_standard_output_that_cannot_be_written_is_one_line_and_an_errno(string target, int errno)
    {
        using HandTree tree = TwoDrivers();
        string redirect = target == "CLOSED" ? ">&-" : $"> {target}";
        ProcessResult result = ExternalCommand.Run(["sh", "-c", $"exec {ToolPaths.DriverTool} --root {tree.Root} --lspci {tree.LspciFile} -l {redirect}"]);

        Assert.Equal(errno, result.ExitCode);
        Assert.Contains("cannot write the reply to standard output", result.Stderr);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Contained.Assert(result, target);
    }

    [Fact]
    public void Running_out_of_descriptors_fails_the_command_instead_of_shortening_the_answer()
    {
        using var tree = new GeneratedTree(new HostTreeSpec { Seed = 3, Kernels = 1, Drivers = 1000, VariantsPerDriver = 1, PciDevices = 4 });
        ProcessResult full = tree.List();
        Assert.True(full.ExitCode == 0, full.ToString());
        int drivers = JsonDocument.Parse(full.Stdout).RootElement.GetProperty("drivers").EnumerateObject().Count();
        Assert.Equal(1000, drivers);

        int failed = 0;
        foreach (int limit in new[] { 6, 8, 10, 12, 14, 16, 18, 20 })
        {
            foreach (string command in new[] { "-l", "auto-select --dry-run" })
            {
                ProcessResult result = ExternalCommand.Run(["sh", "-c", $"ulimit -n {limit}; exec {ToolPaths.DriverTool} --root {tree.Root} {command}"]);
                Contained.Assert(result, $"ulimit -n {limit} {command}");
                if (result.ExitCode == 0 && command == "-l")
                {
                    Assert.Equal(1000, JsonDocument.Parse(result.Stdout).RootElement.GetProperty("drivers").EnumerateObject().Count());
                }
                else if (result.ExitCode != 0)
                {
                    failed++;
                    Assert.True(result.ExitCode == 24, $"ulimit -n {limit} {command}: {result}");
                    Assert.Contains("Too many open files", result.Stderr);
                }
            }
        }

        Assert.True(failed > 0, "no limit was low enough to run out of descriptors");
    }

    [Fact]
    public void Inspect_of_an_empty_or_overlong_path_says_so()
    {
        ProcessResult empty = DriverTool.Run("inspect", "");
        Contained.Assert(empty, "inspect ''");
        Assert.Equal(2, empty.ExitCode);

        ProcessResult longPath = DriverTool.Run("inspect", "/" + string.Join('/', Enumerable.Repeat(new string('a', 200), 25)));
        Contained.Assert(longPath, "inspect of a long path");
        Assert.Equal(36, longPath.ExitCode);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_PCI_device_link_that_climbs_out_of_the_root_is_never_read_outside(bool walk)
    {
        using HandTree tree = TwoDrivers();
        // Beside the root, a device that would give ice's dell variant its hardware.
        string outside = tree.Root + "-outside";
        Directory.CreateDirectory(outside + "/device");
        File.WriteAllText(outside + "/device/uevent", "PCI_ID=8086:1592\nPCI_SUBSYS_ID=1028:0001\n");
        try
        {
            tree.File("sys/devices/pci0000:00/0000:00:01.0/uevent", "PCI_ID=8086:1533\nPCI_SUBSYS_ID=8086:0000\n")
                .Link("sys/bus/pci/devices/0000:00:01.0", "../../../devices/pci0000:00/0000:00:01.0")
                // Five steps up from sys/bus/pci/devices/ leave the root, were they followed as written.
                .Link("sys/bus/pci/devices/0000:00:02.0", "../../../../../" + Path.GetFileName(outside) + "/device")
                .Link("sys/bus/pci/devices/0000:00:03.0", outside + "/device")
                // A device inside the root whose uevent (and vendor file) is a link to the outside one.
                .Link("sys/devices/pci0000:00/0000:00:04.0/uevent", outside + "/device/uevent")
                .Link("sys/devices/pci0000:00/0000:00:04.0/vendor", outside + "/device/uevent")
                .Link("sys/bus/pci/devices/0000:00:04.0", "../../../devices/pci0000:00/0000:00:04.0");
            var environment = new Dictionary<string, string>();
            if (walk)
            {
                environment["DRIVER_TOOL_TEST_NO_OPENAT2"] = "1";
            }

            ProcessResult result = DriverTool.Run(["--root", tree.Root, "-l"], stdin: null, asNobody: false, environment);

            Assert.True(result.ExitCode == 0, result.ToString());
            JsonElement drivers = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("drivers");
            Assert.True(drivers.GetProperty("igb").GetProperty("variants").GetProperty("generic").GetProperty("hardware_present").GetBoolean(), "the device inside the root is read");
            Assert.False(drivers.GetProperty("ice").GetProperty("variants").GetProperty("dell").GetProperty("hardware_present").GetBoolean(), $"a device outside the root was read\n{result}");
            Assert.Contains(result.StderrLines, line => line.Contains("0000:00:02.0", StringComparison.Ordinal) && line.Contains("leads outside the root", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public void An_overlong_lspci_line_is_skipped_and_the_devices_after_it_are_read()
    {
        using HandTree tree = TwoDrivers();
        File.WriteAllText(tree.LspciFile, new string('x', 40_000) + "\n" + HandTree.Nic + "\n");

        ProcessResult result = tree.Run("-l");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("line 1: longer than", result.Stderr);
        JsonElement generic = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("drivers").GetProperty("ice").GetProperty("variants").GetProperty("generic");
        Assert.True(generic.GetProperty("hardware_present").GetBoolean());
    }

    public static TheoryData<string> FifoPlaces() =>
    [
        $"lib/modules/{K}/dmv/ice/dell/info.json",
        $"lib/modules/{K}/dmv/ice/dell/ice.ko",
        "sys/module/ice/notes/.note.XenServer",
        "sys/bus/pci/devices/0000:01:00.0/vendor",
        "var/lib/driver-tool/lock",
        "var/lib/driver-tool/journal",
        "etc/driver-tool/trusted-keys/k.pem",
        "etc/depmod.d/driver-tool.conf",
        $"lib/modules/{K}/build/Module.symvers",
    ];

    [Theory]
    [MemberData(nameof(FifoPlaces))]
    public void A_FIFO_in_a_files_place_never_blocks_a_command(string place)
    {
        using HandTree tree = TwoDrivers();
        Directory.CreateDirectory(tree.Path("sys/bus/pci/devices/0000:01:00.0"));
        Directory.CreateDirectory(tree.Path("sys/module/ice/notes"));
        Directory.CreateDirectory(tree.Path("var/lib/driver-tool"));
        Directory.CreateDirectory(tree.Path("etc/driver-tool/trusted-keys"));
        Directory.CreateDirectory(tree.Path($"lib/modules/{K}/build"));
        string path = tree.Path(place);
        File.Delete(path);
        ExternalCommand.Check(["mkfifo", path]);

        foreach (string[] command in new[] { new[] { "-l" }, ["explain", "ice"], ["select", "ice", "generic", "--force", "--no-hooks"], ["verify"], ["inspect", path] })
        {
            ProcessResult result = DriverTool.Execute(Start(["--root", tree.Root, .. command]), null, timeoutSeconds: 20);
            Contained.Assert(result, $"{string.Join(' ', command)} with a FIFO at {place}");
        }
    }

    [Fact]
    public void A_large_gzip_module_is_read_in_memory_the_module_needs()
    {
        string amdgpu = Directory.EnumerateFiles(DebianKernel.ModulesDirectory, "amdgpu.ko*", SearchOption.AllDirectories).First();
        string folder = Path.Combine(Path.GetTempPath(), "dmv-gz-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            string module = Path.Combine(folder, "amdgpu.ko");
            File.Copy(amdgpu, module);
            ExternalCommand.Check(["gzip", "-9", module]);
            ProcessResult result = ExternalCommand.Run(["/usr/bin/time", "-f", "%M", ToolPaths.DriverTool, "inspect", module + ".gz"]);

            Assert.True(result.ExitCode == 0, result.ToString());
            long peakKiB = long.Parse(result.Stderr.Trim().Split('\n')[^1]);
            Assert.True(peakKiB <= 64 * 1024, $"inspect of {new FileInfo(amdgpu).Length} bytes of module took {peakKiB} KiB");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static System.Diagnostics.ProcessStartInfo Start(IEnumerable<string> args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(ToolPaths.DriverTool) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
