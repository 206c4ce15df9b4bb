using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// The dracut module with Debian's real dracut: the initrd holds driver-tool, the kernel's DMV
/// catalog and the pre-udev hook; run from the unpacked initrd against a PCI device like QEMU's
/// e1000e, the hook selects the matching variant and leaves the listing in
/// /run/driver-tool/listing.json. With trusted certificates on the host, the initrd enforces
/// signatures as the host does.
/// </summary>
public class DracutTests
{
    [Fact]
    public void The_initrd_holds_driver_tool_the_catalog_and_the_hook_which_selects_at_boot()
    {
        using E1000eInitrd initrd = E1000eInitrd.Create(variantNote: false);
        initrd.Build();

        string listing = E1000eInitrd.Run("lsinitrd", initrd.Image).Stdout;
        foreach (string expected in new[] { "usr/sbin/driver-tool", "dmv/intel-e1000e/qemu/info.json", "dmv/intel-e1000e/qemu/e1000e.ko", "hooks/pre-udev/40-driver-tool-boot.sh", "sbin/depmod", "dmv/intel-igb/generic/igb.ko", "kernel/drivers/dca/dca.ko", "kernel/drivers/i2c/algos/i2c-algo-bit.ko" })
        {
            Assert.Contains(expected, listing);
        }

        Assert.DoesNotContain("trusted-keys", listing);
        string unpacked = initrd.Unpack();
        string link = Path.Combine(unpacked, $"usr/lib/modules/{initrd.Release}/updates/e1000e.ko");

        // rd.driver_tool=0 (dracut-lib's getargbool says no): nothing selected, the reason in the kernel log.
        E1000eInitrd.RunHookScript(unpacked, prelude: "getargbool() { [ \"$2\" != rd.driver_tool ]; }; ");
        Assert.Null(new FileInfo(link).LinkTarget);
        Assert.False(File.Exists(Path.Combine(unpacked, "run/driver-tool/listing.json")));
        Assert.Contains("turned off by rd.driver_tool=0", File.ReadAllText(Path.Combine(unpacked, "dev/kmsg")));

        JsonElement driver = E1000eInitrd.RunHook(unpacked);
        Assert.Equal(E1000eInitrd.Variant, driver.GetProperty("selected").GetString());
        Assert.True(driver.GetProperty("variants").GetProperty(E1000eInitrd.Variant).GetProperty("hardware_present").GetBoolean());
        Assert.Equal("../dmv/intel-e1000e/qemu/e1000e.ko", new FileInfo(link).LinkTarget);
    }

    [Fact]
    public void With_trusted_certificates_the_initrd_verifies_signatures_and_refuses_a_tampered_variant()
    {
        using var signer = new Signer("driver-tool initrd test key");
        using E1000eInitrd initrd = E1000eInitrd.Create(variantNote: false, signer);
        initrd.Build();

        string listing = E1000eInitrd.Run("lsinitrd", initrd.Image).Stdout;
        Assert.Contains("etc/driver-tool/trusted-keys/test-signer.pem", listing);
        Assert.Contains("libssl.so.3", listing);
        Assert.Contains("libcrypto.so.3", listing);

        // Signed with the trusted key: verified inside the initrd (OpenSSL is there), so selected.
        string unpacked = initrd.Unpack();
        Assert.Equal(E1000eInitrd.Variant, E1000eInitrd.RunHook(unpacked).GetProperty("selected").GetString());

        // Tampered after signing: refused at boot, nothing selected, the reason kept.
        E1000eInitrd.Run("chroot", unpacked, "driver-tool", "-d", E1000eInitrd.Driver, "--no-hooks");
        // The deselect above is recorded as an administrator's; the next boot must try the variant again.
        File.Delete(Path.Combine(unpacked, "var/lib/driver-tool/deselected"));
        string module = Path.Combine(unpacked, $"usr/lib/modules/{initrd.Release}/dmv/intel-e1000e/qemu/e1000e.ko");
        byte[] bytes = File.ReadAllBytes(module);
        bytes[4096] ^= 0x01;
        File.WriteAllBytes(module, bytes);
        Assert.Equal(JsonValueKind.Null, E1000eInitrd.RunHook(unpacked).GetProperty("selected").ValueKind);
        Assert.Contains("does not match the module's bytes", File.ReadAllText(Path.Combine(unpacked, "run/driver-tool/auto-select.err")) + File.ReadAllText(Path.Combine(unpacked, "run/driver-tool/auto-select.json")));
    }

    [Fact]
    public void Certificates_without_OpenSSL_stop_the_initrd_build()
    {
        using var signer = new Signer("driver-tool initrd test key");
        using E1000eInitrd initrd = E1000eInitrd.Create(variantNote: false, signer);

        // dracut looks for libraries in $libdirs: pointed at an empty folder, OpenSSL is not there.
        string noLibraries = Path.Combine(initrd.Work, "no-libraries");
        Directory.CreateDirectory(noLibraries);
        ProcessResult dracut = initrd.Dracut(new Dictionary<string, string> { ["libdirs"] = noLibraries });
        Assert.NotEqual(0, dracut.ExitCode);
        Assert.Contains("OpenSSL 3 (libssl.so.3, libcrypto.so.3) is not installed", dracut.Stdout + dracut.Stderr);
    }
}
