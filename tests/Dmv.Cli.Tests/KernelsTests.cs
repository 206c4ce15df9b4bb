using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using System.Text.Json;

namespace Dmv.Cli.Tests;

public class KernelsTests
{
    private static JsonElement Kernel(string root, string release, params string[] extra)
    {
        ProcessResult result = DriverTool.Run(["--root", root, "kernels", "--kernel", release, .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("kernels")[0];
    }

    private static HandTree WithConfig(string release, string config, string where = "boot/config-{0}")
    {
        var tree = new HandTree();
        Directory.CreateDirectory(tree.Path($"lib/modules/{release}"));
        tree.File(string.Format(where, release), config);
        return tree;
    }

    [Theory]
    [InlineData("CONFIG_X86_XEN=y\n", true, false)]
    [InlineData("CONFIG_X86_64_XEN=y\nCONFIG_XEN=y\n", true, true)]
    public void XenLinux_forks_boot_only_as_pv_guests(string config, bool pvOnly, bool pvops)
    {
        using HandTree tree = WithConfig("2.6.18-xen", config);

        JsonElement xen = Kernel(tree.Root, "2.6.18-xen").GetProperty("xen");

        Assert.Equal(pvOnly, xen.GetProperty("pv_only").GetBoolean());
        Assert.Equal(pvops, xen.GetProperty("pvops_guest").GetBoolean());
        Assert.Equal(["xen-pv"], xen.GetProperty("boots_on").EnumerateArray().Select(b => b.GetString()));
    }

    [Fact]
    public void A_pvops_kernel_boots_everywhere()
    {
        using HandTree tree = WithConfig("6.6.0-xs", "CONFIG_XEN=y\nCONFIG_XEN_PV=y\nCONFIG_XEN_PVH=y\nCONFIG_XEN_PVHVM=y\n# CONFIG_X86_64_XEN is not set\n", "lib/modules/{0}/config");

        JsonElement kernel = Kernel(tree.Root, "6.6.0-xs");

        Assert.Equal("/lib/modules/6.6.0-xs/config", kernel.GetProperty("config").GetString());
        JsonElement xen = kernel.GetProperty("xen");
        Assert.False(xen.GetProperty("pv_only").GetBoolean());
        Assert.True(xen.GetProperty("pvops_guest").GetBoolean());
        Assert.True(xen.GetProperty("pvh").GetBoolean());
        Assert.True(xen.GetProperty("pvhvm").GetBoolean());
        Assert.Equal(["baremetal", "kvm", "xen-hvm", "xen-pv", "xen-pvh"], xen.GetProperty("boots_on").EnumerateArray().Select(b => b.GetString()));
    }

    [Fact]
    public void A_kernel_without_xen_boots_on_hardware_kvm_and_hvm()
    {
        using HandTree tree = WithConfig("6.1.0-plain", "CONFIG_KVM=m\n# CONFIG_XEN is not set\nCONFIG_MODULE_SIG=y\nCONFIG_MODULE_SIG_FORCE=y\nCONFIG_MODULE_SIG_HASH=\"sha512\"\nCONFIG_MODULE_COMPRESS_ZSTD=y\n", "lib/modules/{0}/build/.config");

        JsonElement kernel = Kernel(tree.Root, "6.1.0-plain");

        JsonElement xen = kernel.GetProperty("xen");
        Assert.False(xen.GetProperty("pv_only").GetBoolean());
        Assert.False(xen.GetProperty("pvops_guest").GetBoolean());
        Assert.Equal(["baremetal", "kvm", "xen-hvm"], xen.GetProperty("boots_on").EnumerateArray().Select(b => b.GetString()));
        JsonElement signing = kernel.GetProperty("module_signing");
        Assert.True(signing.GetProperty("sig_force").GetBoolean());
        Assert.Equal("sha512", signing.GetProperty("hash").GetString());
        Assert.Equal("zstd", signing.GetProperty("compression").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Without_a_configuration_nothing_is_guessed_not_even_from_xennet(bool withXennet)
    {
        using var tree = new HandTree();
        Directory.CreateDirectory(tree.Path("lib/modules/2.6.32-xen"));
        if (withXennet)
        {
            tree.File("lib/modules/2.6.32-xen/kernel/drivers/xen/netfront/xennet.ko", "module");
        }

        JsonElement kernel = Kernel(tree.Root, "2.6.32-xen");

        Assert.Equal(JsonValueKind.Null, kernel.GetProperty("config").ValueKind);
        Assert.Equal(JsonValueKind.Null, kernel.GetProperty("xen").GetProperty("pv_only").ValueKind);
        Assert.Equal(JsonValueKind.Null, kernel.GetProperty("xen").GetProperty("boots_on").ValueKind);
        Assert.Equal(withXennet ? 1 : 0, kernel.GetProperty("modules").GetInt32());
    }

    [Fact]
    public void Debian_kernel_from_its_config_file()
    {
        JsonElement kernel = Kernel(DebianKernel.Root, DebianKernel.Release);

        Assert.Equal($"/boot/config-{DebianKernel.Release}", kernel.GetProperty("config").GetString());
        JsonElement xen = kernel.GetProperty("xen");
        Assert.False(xen.GetProperty("pv_only").GetBoolean());
        Assert.True(xen.GetProperty("pvops_guest").GetBoolean());
        Assert.True(xen.GetProperty("pvh").GetBoolean());
        // Counted by find(1), not by driver-tool's code: the package's module files, whatever Debian ships today.
        int shipped = ExternalCommand.Check(["find", DebianKernel.ModulesDirectory, "-name", "*.ko", "-o", "-name", "*.ko.xz", "-o", "-name", "*.ko.gz", "-o", "-name", "*.ko.zst"]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        Assert.True(shipped > 1000, $"{shipped} module files");
        Assert.Equal(shipped, kernel.GetProperty("modules").GetInt32());
        Assert.Equal($"/boot/vmlinuz-{DebianKernel.Release}", kernel.GetProperty("image").GetString());
    }

    [Fact]
    public void Debian_kernel_without_its_config_file_has_no_configuration_its_image_embeds_none()
    {
        using var tree = new HandTree();
        Directory.CreateDirectory(tree.Path($"lib/modules/{DebianKernel.Release}"));
        Directory.CreateDirectory(tree.Path("boot"));
        File.Copy(Path.Combine(DebianKernel.Root, $"boot/vmlinuz-{DebianKernel.Release}"), tree.Path($"boot/vmlinuz-{DebianKernel.Release}"));

        JsonElement kernel = Kernel(tree.Root, DebianKernel.Release);

        // Debian builds without CONFIG_IKCONFIG: the xz payload is decompressed and searched, and has no IKCFG block.
        Assert.Equal(JsonValueKind.Null, kernel.GetProperty("config").ValueKind);
        Assert.Equal(JsonValueKind.Null, kernel.GetProperty("xen").GetProperty("pv_only").ValueKind);
        Assert.Contains("embeds no configuration", kernel.GetProperty("problems")[0].GetString());
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("xz")]
    [InlineData("zstd")]
    public void A_configuration_embedded_in_the_image_is_found_for_each_compression(string compression)
    {
        using var tree = new HandTree();
        Directory.CreateDirectory(tree.Path("boot"));
        File.WriteAllBytes(tree.Path("boot/vmlinuz-5.10.0-xenlinux"), BzImage(Payload(compression, Kernel("CONFIG_X86_64_XEN=y\nCONFIG_XEN=y\n", falseMarker: true))));

        JsonElement kernel = Kernel(tree.Root, "5.10.0-xenlinux");

        Assert.Equal("image:/boot/vmlinuz-5.10.0-xenlinux", kernel.GetProperty("config").GetString());
        Assert.True(kernel.GetProperty("xen").GetProperty("pv_only").GetBoolean());
        Assert.Equal(JsonValueKind.Null, kernel.GetProperty("modules_dir").ValueKind);
    }

    [Fact]
    public void A_truncated_payload_is_a_reason_for_that_kernel()
    {
        using var tree = new HandTree();
        byte[] image = BzImage(Payload("xz", Kernel("CONFIG_XEN=y\n", falseMarker: false)));
        Directory.CreateDirectory(tree.Path("boot"));
        File.WriteAllBytes(tree.Path("boot/vmlinuz-5.4.0-cut"), image[..(image.Length / 2)]);
        File.WriteAllBytes(tree.Path("boot/vmlinuz-5.4.0-whole"), image);

        ProcessResult result = DriverTool.Run("--root", tree.Root, "kernels");

        Assert.Equal(0, result.ExitCode);
        JsonElement[] kernels = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("kernels").EnumerateArray().ToArray();
        JsonElement cut = kernels.Single(k => k.GetProperty("release").GetString() == "5.4.0-cut");
        Assert.Contains("past the end of the image", cut.GetProperty("problems")[0].GetString());
        Assert.Equal(JsonValueKind.Null, cut.GetProperty("config").ValueKind);
        Assert.Equal("image:/boot/vmlinuz-5.4.0-whole", kernels.Single(k => k.GetProperty("release").GetString() == "5.4.0-whole").GetProperty("config").GetString());
    }

    [Fact]
    public void A_false_marker_alone_and_an_unsupported_compression_are_reasons()
    {
        using var tree = new HandTree();
        Directory.CreateDirectory(tree.Path("boot"));
        byte[] onlyFalse = Encoding.ASCII.GetBytes(new string('x', 5000) + "IKCFG_ST this is code, not a config IKCFG_ED" + new string('y', 5000));
        File.WriteAllBytes(tree.Path("boot/vmlinuz-1-false"), BzImage(Payload("gzip", onlyFalse)));
        File.WriteAllBytes(tree.Path("boot/vmlinuz-2-lzma"), BzImage([0x5d, 0x00, 0x00, 0x80, 0x00, 1, 2, 3, 4, 5, 6, 7]));

        JsonElement falseMarker = Kernel(tree.Root, "1-false");
        JsonElement lzma = Kernel(tree.Root, "2-lzma");

        Assert.Contains("no IKCFG_ST marker is followed by a readable configuration", falseMarker.GetProperty("problems")[0].GetString());
        Assert.Contains("lzma, which is not supported", lzma.GetProperty("problems")[0].GetString());
    }

    [Fact]
    public void A_config_line_without_equals_is_named_and_the_rest_still_read()
    {
        using HandTree tree = WithConfig("6.1.0-odd", "CONFIG_XEN=y\nTHIS IS NOT A CONFIG LINE\nCONFIG_XEN_PVH=y\n");

        JsonElement kernel = Kernel(tree.Root, "6.1.0-odd");

        Assert.Contains("line 2", kernel.GetProperty("problems")[0].GetString());
        Assert.True(kernel.GetProperty("xen").GetProperty("pvh").GetBoolean());
    }

    [Fact]
    public void Running_and_dmv_state_and_an_unknown_kernel()
    {
        using HandTree tree = new HandTree().Variant("6.1.0-1-amd64", "ice", "generic", ["ice.ko"]).Variant("6.1.0-1-amd64", "ice", "dell", ["ice.ko"]);
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);

        JsonElement kernel = Kernel(tree.Root, "6.1.0-1-amd64", "--running-kernel", "6.1.0-1-amd64");

        Assert.True(kernel.GetProperty("running").GetBoolean());
        Assert.Equal(1, kernel.GetProperty("dmv").GetProperty("drivers").GetInt32());
        Assert.Equal(2, kernel.GetProperty("dmv").GetProperty("variants").GetInt32());
        Assert.Equal("generic", kernel.GetProperty("dmv").GetProperty("selected").GetProperty("ice").GetString());
        Assert.False(Kernel(tree.Root, "6.1.0-1-amd64").GetProperty("running").GetBoolean());
        Assert.Equal(2, DriverTool.Run("--root", tree.Root, "kernels", "--kernel", "9.9.9").ExitCode);
    }

    /// <summary>Decompressed "kernel" text with an IKCONFIG block (and, if asked, a lone marker before it, as code that mentions it).</summary>
    private static byte[] Kernel(string config, bool falseMarker)
    {
        var text = new MemoryStream();
        var random = new Random(1);
        byte[] filler = new byte[20000];
        random.NextBytes(filler);
        text.Write(filler);
        if (falseMarker)
        {
            text.Write("IKCFG_ST"u8);
            text.Write(filler.AsSpan(0, 300));
        }

        text.Write("IKCFG_ST"u8);
        using (var gzip = new GZipStream(text, CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(Encoding.ASCII.GetBytes(config));
        }

        text.Write("IKCFG_ED"u8);
        text.Write(filler);
        return text.ToArray();
    }

    /// <summary>Compressed with the real tool, then the uncompressed size appended, as arch/x86/boot/compressed does.</summary>
    private static byte[] Payload(string compression, byte[] kernel)
    {
        string[] command = compression switch
        {
            "gzip" => ["gzip", "-n", "-9", "-c"],
            "xz" => ["xz", "--check=crc32", "-c"],
            _ => ["zstd", "-q", "-19", "-c"],
        };
        var start = new ProcessStartInfo(command[0]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        var output = new MemoryStream();
        Task copy = process.StandardOutput.BaseStream.CopyToAsync(output);
        process.StandardInput.BaseStream.Write(kernel);
        process.StandardInput.Close();
        copy.Wait();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        byte[] size = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, (uint)kernel.Length);
        return [.. output.ToArray(), .. size];
    }

    /// <summary>A boot-protocol 2.15 header with one setup sector, the payload right after the setup code.</summary>
    private static byte[] BzImage(byte[] payload)
    {
        byte[] image = new byte[1024 + payload.Length];
        image[0x1f1] = 1;
        "HdrS"u8.CopyTo(image.AsSpan(0x202));
        BinaryPrimitives.WriteUInt16LittleEndian(image.AsSpan(0x206), 0x020f);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x248), 0);
        BinaryPrimitives.WriteUInt32LittleEndian(image.AsSpan(0x24c), (uint)payload.Length);
        payload.CopyTo(image, 1024);
        return image;
    }
}
