using System.Text;
using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 20: the next ring out — no test switch in the shipped binary, depmod confined, reads by
/// descriptor, an updates/ that is a link, one kernel that cannot be written, bounded memory, and the
/// smaller findings; each through the published binary.
/// </summary>
public class TrustSecondRoundTests
{
    private const string K1 = HandTree.Kernel1;
    private const string K2 = HandTree.Kernel2;

    private static JsonElement Reply(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement;
    }

    [Fact]
    public void The_shipped_binary_holds_no_test_switch_and_honours_none()
    {
        foreach (string encoding in new[] { "s", "l" })
        {
            ProcessResult strings = ExternalCommand.Check(["strings", "-e", encoding, ToolPaths.DriverTool]);
            Assert.DoesNotContain("DRIVER_TOOL_TEST_", strings.Stdout);
        }

        Assert.Contains("DRIVER_TOOL_TEST_", ExternalCommand.Check(["strings", "-e", "l", ToolPaths.SeamsDriverTool]).Stdout + ExternalCommand.Check(["strings", ToolPaths.SeamsDriverTool]).Stdout);

        // Run as a caller with an inherited environment would: the shipped binary must not run a stand-in depmod.
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        string bin = tree.Beside("bin");
        string marker = Path.Combine(bin, "ran");
        FakeDepmod.Write(bin, $"id -u > {marker}");
        ProcessResult select = ExternalCommand.Run([ToolPaths.DriverTool, "--root", tree.Root, "--lspci", tree.LspciFile, "select", "ice", "generic"],
            new Dictionary<string, string> { ["DRIVER_TOOL_TEST_HOOK_FOLDER"] = bin, ["DRIVER_TOOL_TEST_CRASH_AFTER"] = "2" });
        Assert.True(select.ExitCode == 0, select.ToString());
        Assert.False(File.Exists(marker), "the shipped binary ran a program from DRIVER_TOOL_TEST_HOOK_FOLDER");
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
    }

    [Fact]
    public void This_machines_depmod_is_not_run_where_a_configuration_folder_leads_out_of_the_root()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        // etc/depmod.d is an absolute link: inside the root it leads to a folder of the root, but
        // this machine's depmod -b, told that folder's path, would read this machine's instead.
        string outside = tree.Beside("outside");
        File.WriteAllText(Path.Combine(outside, "foreign.conf"), "search nowhere\n");
        tree.File(outside.TrimStart('/') + "/driver-tool.conf", "exclude dmv\n");
        Directory.Delete(tree.Path("etc/depmod.d"), recursive: true);
        tree.Link("etc/depmod.d", outside);

        ProcessResult select = tree.Run("select", "ice", "generic");

        Assert.Equal(5, select.ExitCode);
        Assert.Contains("leads out of the root", select.Stderr);
        Assert.Empty(Directory.GetFiles(outside, "modules.*"));
        Assert.False(File.Exists(tree.Path($"lib/modules/{K2}/modules.dep")), "depmod ran");
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K2, "ice.ko"));
    }

    [Fact]
    public async Task The_systems_own_depmod_runs_chrooted_and_a_link_flipped_out_of_the_root_writes_nothing_outside()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        SystemTools.CopyInto(tree.Root, "/bin/kmod", "/usr/sbin/depmod");
        string outside = tree.Beside("outside");
        string kernel = tree.Path($"lib/modules/{K2}");
        string moved = tree.Path("var/k2");
        Directory.CreateDirectory(tree.Path("var"));
        Directory.Move(kernel, moved);
        Directory.CreateDirectory(Path.Combine(outside, "lib/modules"));
        // Flip lib/modules/K, as fast as a shell can, between the real folder (a relative link) and a link to a folder outside the root.
        var flip = new System.Diagnostics.ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        flip.ArgumentList.Add("-c");
        flip.ArgumentList.Add($"while :; do ln -sfn {outside}/lib/modules {kernel}.link && mv -Tf {kernel}.link {kernel}; ln -sfn ../../var/k2 {kernel}.link && mv -Tf {kernel}.link {kernel}; done");
        using (var flipper = System.Diagnostics.Process.Start(flip)!)
        {
            try
            {
                for (int i = 0; i < 40; i++)
                {
                    tree.Run("select", "ice", i % 2 == 0 ? "generic" : "dell", "--force");
                }
            }
            finally
            {
                flipper.Kill();
                await flipper.WaitForExitAsync();
            }
        }

        Assert.Empty(Directory.GetFiles(outside, "modules.*", SearchOption.AllDirectories));
        File.Delete(kernel);

        Directory.Move(moved, kernel);
        ProcessResult select = tree.Run("select", "mlx", "generic");
        JsonElement depmod = Reply(select).GetProperty("hooks").EnumerateArray().First(h => h.GetProperty("hook").GetString() == "depmod");
        Assert.StartsWith("/usr/sbin/chroot " + tree.Root + " /usr/sbin/depmod -a", depmod.GetProperty("command").GetString());
        Assert.Contains("updates/mlx.ko:", File.ReadAllText(tree.Path($"lib/modules/{K2}/modules.dep")));
    }

    [Fact]
    public void Trusted_keys_are_read_inside_the_root_and_only_from_regular_files()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        // The folder links to an absolute path: inside the root that is an empty folder, not this machine's.
        using var signer = new Signer("outside");
        string hostKeys = tree.Beside("host-keys");
        File.Copy(signer.CertificatePath, Path.Combine(hostKeys, "cert.pem"));
        tree.Link("etc/driver-tool/trusted-keys", hostKeys);
        Directory.CreateDirectory(tree.Path(hostKeys.TrimStart('/')));
        ExternalCommand.Check(["mknod", tree.Path(hostKeys.TrimStart('/') + "/zero.pem"), "c", "1", "5"]);

        ProcessResult explain = tree.Run("explain", "ice");

        JsonElement reply = Reply(explain);
        Assert.Equal("off", reply.GetProperty("signature_policy").GetString());
        Assert.Equal(0, reply.GetProperty("trusted_certificates").GetInt32());
        Assert.Contains("zero.pem: a character device, not a regular file", explain.Stderr);
    }

    [Fact]
    public void No_code_outside_the_file_system_layer_opens_a_path_string_and_none_uses_linq()
    {
        string source = Path.Combine(ToolPaths.RepositoryRoot, "src");
        // Every way of opening a path string the runtime offers, and the layer's own internal ones.
        var opens = new System.Text.RegularExpressions.Regex(@"\b(File|Directory)\.(Open\w*|Read\w*|Exists|Enumerate\w*|Get\w+|Create\w*|Write\w*|Move|Copy|Delete)\(|new FileStream|FileContent\.TryRead\w*\(|DirectoryHandle\.TryOpen\(|FileStatus\.Of\(|NativePath\.Open\(");
        var found = new List<string>();
        foreach (string file in Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories).Where(f => !f.Contains("/obj") && !f.Contains("/bin")))
        {
            bool door = file.Contains("/Dmv.Core/FileSystem/", StringComparison.Ordinal);
            foreach ((string line, int number) in File.ReadAllLines(file).Select((l, i) => (l, i + 1)))
            {
                if ((!door && opens.IsMatch(line)) || line.Contains("System.Linq", StringComparison.Ordinal))
                {
                    found.Add($"{Path.GetRelativePath(source, file)}:{number}: {line.Trim()}");
                }
            }
        }

        Assert.Empty(found);
    }

    [Fact]
    public void A_switch_refuses_to_write_through_an_updates_folder_that_is_a_link()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Directory.Delete(tree.Path($"lib/modules/{K1}/updates"));
        Directory.CreateDirectory(tree.Path("var/updates-old"));
        tree.Link($"lib/modules/{K1}/updates", "../../../var/updates-old");
        // And one whose absolute target is missing: no folder chain may be made for it.
        tree.Variant("5.10.0-3-amd64", "ice", "generic", ["ice.ko"]);
        Directory.Delete(tree.Path("lib/modules/5.10.0-3-amd64/updates"));
        tree.Link("lib/modules/5.10.0-3-amd64/updates", "/nowhere/updates");

        ProcessResult select = tree.Run("select", "ice", "generic", "--no-hooks");

        JsonElement reply = Reply(select);
        string[] failed = reply.GetProperty("failed_kernels").EnumerateArray().Select(f => f.GetProperty("kernel").GetString()!).Order().ToArray();
        Assert.Equal(["5.10.0-3-amd64", K1], failed);
        Assert.All(reply.GetProperty("failed_kernels").EnumerateArray(), f => Assert.Equal(40, f.GetProperty("exit_code").GetInt32()));
        Assert.Empty(Directory.GetFileSystemEntries(tree.Path("var/updates-old")));
        Assert.False(Directory.Exists(tree.Path("nowhere")), "a folder chain was made for a dangling updates link");
        Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K2, "ice.ko"));
        Assert.Contains("updates-is-a-link", tree.Run("verify").Stdout);
    }

    [Fact]
    public void A_kernel_that_cannot_be_written_keeps_what_it_had_and_the_others_switch()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        ExternalCommand.Check(["chattr", "+i", tree.Path($"lib/modules/{K1}/updates")]);
        try
        {
            ProcessResult select = tree.Run("select", "ice", "dell", "--no-hooks");
            ProcessResult other = tree.Run("deselect", "mlx", "--no-hooks");

            JsonElement reply = Reply(select);
            Assert.Equal([K2], reply.GetProperty("kernels").EnumerateArray().Select(k => k.GetString()));
            JsonElement failed = Assert.Single(reply.GetProperty("failed_kernels").EnumerateArray());
            Assert.Equal(K1, failed.GetProperty("kernel").GetString());
            Assert.Equal(13, failed.GetProperty("exit_code").GetInt32());
            Assert.Contains("Operation not permitted", failed.GetProperty("message").GetString());
            Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K2, "ice.ko"));
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
            Assert.Equal(0, other.ExitCode);
            Assert.False(File.Exists(tree.Path("var/lib/driver-tool/journal")));
        }
        finally
        {
            ExternalCommand.Run(["chattr", "-i", tree.Path($"lib/modules/{K1}/updates")]);
        }

        // The deciding kernel (the newest) refused: nothing changes anywhere, and the status is EACCES, not EPERM's "unsigned".
        ExternalCommand.Check(["chattr", "+i", tree.Path($"lib/modules/{K2}/updates")]);
        try
        {
            ProcessResult refused = tree.Run("select", "ice", "generic", "--no-hooks");
            Assert.Equal(13, refused.ExitCode);
            Assert.Equal("../dmv/ice/dell/ice.ko", tree.LinkTarget(K2, "ice.ko"));
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K1, "ice.ko"));
        }
        finally
        {
            ExternalCommand.Run(["chattr", "-i", tree.Path($"lib/modules/{K2}/updates")]);
        }
    }

    [Fact]
    public void A_zstd_bomb_is_refused_before_it_is_inflated()
    {
        using HandTree tree = HandTree.TwoKernels(withMlx: true);
        string module = tree.Path($"lib/modules/{K2}/dmv/mlx/generic/mlx.ko");
        File.Delete(module);
        string big = tree.Beside("big") + "/zeros";
        ExternalCommand.Check(["truncate", "-s", "1100000000", big]);
        ExternalCommand.Check(["zstd", "-q", "-19", big, "-o", module + ".zst"]);
        ExternalCommand.Check(["sh", "-c", $"head -c 700000000 /dev/zero | zstd -q -1 > {tree.Path("bomb-nosize.ko.zst")}"]);

        foreach (string[] command in new[]
        {
            new[] { "inspect", module + ".zst" },
            new[] { "inspect", tree.Path("bomb-nosize.ko.zst") },
            new[] { "--root", tree.Root, "--lspci", tree.LspciFile, "select", "mlx", "generic", "--no-hooks" },
            new[] { "--root", tree.Root, "--lspci", tree.LspciFile, "explain", "mlx" },
            new[] { "--root", tree.Root, "--lspci", tree.LspciFile, "verify" },
        })
        {
            ProcessResult result = ExternalCommand.Run(["/usr/bin/time", "-f", "%M", ToolPaths.DriverTool, .. command], timeoutSeconds: 120);
            long peakKb = long.Parse(result.StderrLines[^1]);
            Assert.True(peakKb < 64 * 1024, $"{string.Join(' ', command)}: peak {peakKb} KB\n{result}");
            Assert.Contains("512 MiB", result.Stdout + result.Stderr);
        }
    }
}
