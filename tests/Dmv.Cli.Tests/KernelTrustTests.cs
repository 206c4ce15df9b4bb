using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 9: a module is trusted only as the kernel would trust it. The trailer is read as
/// mod_check_sig reads it, a signature that cannot be checked is refused under enforce whatever
/// --force says, and only a regular file is ever linked as a module.
/// </summary>
public class KernelTrustTests
{
    private const string K = "6.1.0-1-amd64";

    private static (HandTree Tree, Signer Trusted) SignedTree() => SignatureTests.SignedTree();

    // struct module_signature: algo, hash, id_type, signer_len, key_id_len, __pad[3], sig_len (be32).
    [Theory]
    [InlineData(0, "algo")]
    [InlineData(1, "hash")]
    [InlineData(3, "signer_len")]
    [InlineData(4, "key_id_len")]
    [InlineData(5, "padding")]
    [InlineData(6, "padding")]
    [InlineData(7, "padding")]
    public void A_trailer_with_a_non_zero_parameter_is_a_malformed_signature(int offset, string field)
    {
        (HandTree tree, Signer signer) = SignedTree();
        using (tree)
        using (signer)
        {
            string module = tree.Path($"lib/modules/{K}/dmv/ice/generic/ice.ko");
            byte[] bytes = File.ReadAllBytes(module);
            bytes[bytes.Length - 28 - 12 + offset] = 1;
            File.WriteAllBytes(module, bytes);

            ProcessResult select = tree.Run("select", "ice", "generic", "--force", "--no-hooks");
            Assert.True(select.ExitCode == 129, $"{field}: {select}");
            Assert.Contains("malformed signature", select.Stderr);
            Assert.Contains(field, select.Stderr);
            Assert.Null(tree.LinkTarget(K, "ice.ko"));

            ProcessResult inspect = DriverTool.Run("inspect", module);
            Assert.Contains("malformed signature", inspect.Stdout);
        }
    }

    [Fact]
    public void A_well_formed_trailer_is_still_trusted()
    {
        (HandTree tree, Signer signer) = SignedTree();
        using (tree)
        using (signer)
        {
            ProcessResult select = tree.Run("select", "ice", "generic", "--no-hooks");
            Assert.True(select.ExitCode == 0, select.ToString());
            Assert.Equal("enforce", JsonDocument.Parse(select.Stdout).RootElement.GetProperty("signatures").GetString());
        }
    }

    [Fact]
    public void Force_never_lets_through_a_module_whose_signature_could_not_be_checked()
    {
        (HandTree tree, Signer signer) = SignedTree();
        using (tree)
        using (signer)
        {
            string folder = tree.Path($"lib/modules/{K}/dmv/ice/generic");
            File.Delete(Path.Combine(folder, "ice.ko"));
            File.WriteAllBytes(Path.Combine(folder, "ice.ko.xz"), [0xFD, (byte)'7', (byte)'z', (byte)'X', (byte)'Z', 0, 1, 2, 3, 4, 5, 6, 7, 8]);

            ProcessResult forced = tree.Run("select", "ice", "generic", "--force", "--no-hooks");

            Assert.True(forced.ExitCode == 129, forced.ToString());
            Assert.Contains("never --force", forced.Stderr);
            Assert.Null(tree.LinkTarget(K, "ice.ko.xz"));

            // The explicit way past: --signatures warn, and the reply says so.
            ProcessResult warned = tree.Run("select", "ice", "generic", "--force", "--no-hooks", "--signatures", "warn");
            Assert.True(warned.ExitCode == 0, warned.ToString());
            Assert.Equal("warn", JsonDocument.Parse(warned.Stdout).RootElement.GetProperty("signatures").GetString());
        }
    }

    [Fact]
    public void A_character_device_is_never_linked_as_a_module_whatever_the_options()
    {
        using HandTree tree = new HandTree().Variant(K, "ice", "generic", ["ice.ko"]);
        string module = tree.Path($"lib/modules/{K}/dmv/ice/generic/ice.ko");
        File.Delete(module);
        ExternalCommand.Check(["mknod", module, "c", "1", "3"]);

        ProcessResult result = tree.Run("select", "ice", "generic", "--force", "--signatures", "off", "--no-hooks");

        Assert.True(result.ExitCode == 22, result.ToString());
        Assert.Contains("not a regular file", result.Stderr);
        Assert.Null(tree.LinkTarget(K, "ice.ko"));
    }
}
