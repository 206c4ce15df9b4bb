using System.Text.Json;

namespace Dmv.Cli.Tests;

public class SignatureTests
{
    private const string K = "6.1.0-1-amd64";

    /// <summary>ice.ko and sub/irdma.ko of variant generic, both signed by a key whose certificate is trusted.</summary>
    internal static (HandTree Tree, Signer Trusted) SignedTree()
    {
        var signer = new Signer("driver-tool test signing key");
        HandTree tree = new HandTree().Variant(K, "ice", "generic", ["ice.ko", "sub/irdma.ko"]);
        signer.Sign(tree.Path($"lib/modules/{K}/dmv/ice/generic/ice.ko"));
        signer.Sign(tree.Path($"lib/modules/{K}/dmv/ice/generic/sub/irdma.ko"));
        Directory.CreateDirectory(tree.Path("etc/driver-tool/trusted-keys"));
        File.Copy(signer.CertificatePath, tree.Path("etc/driver-tool/trusted-keys/test.pem"));
        return (tree, signer);
    }

    [Fact]
    public void A_module_signed_by_a_trusted_key_is_selected_under_enforce()
    {
        (HandTree tree, Signer signer) = SignedTree();
        using (tree)
        using (signer)
        {
            ProcessResult result = tree.Run("select", "ice", "generic", "--no-hooks");

            Assert.True(result.ExitCode == 0, result.ToString());
            JsonElement explained = JsonDocument.Parse(tree.Run("explain", "ice").Stdout).RootElement;
            Assert.Equal("enforce", explained.GetProperty("signature_policy").GetString());
            JsonElement modules = explained.GetProperty("variants")[0].GetProperty("kernels")[0].GetProperty("modules");
            NonEmpty.All(modules.EnumerateArray(), m => Assert.Equal("trusted", m.GetProperty("signature").GetString()));
        }
    }

    [Fact]
    public void A_DER_certificate_is_trusted_too()
    {
        (HandTree tree, Signer signer) = SignedTree();
        using (tree)
        using (signer)
        {
            File.Delete(tree.Path("etc/driver-tool/trusted-keys/test.pem"));
            File.WriteAllBytes(tree.Path("etc/driver-tool/trusted-keys/signing_key.x509"), signer.CertificateDer());

            Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        }
    }

    [Fact]
    public void One_flipped_byte_is_rejected_before_any_link_is_made()
    {
        (HandTree tree, Signer signer) = SignedTree();
        using (tree)
        using (signer)
        {
            string module = tree.Path($"lib/modules/{K}/dmv/ice/generic/sub/irdma.ko");
            byte[] bytes = File.ReadAllBytes(module);
            bytes[100] ^= 0x01;
            File.WriteAllBytes(module, bytes);

            ProcessResult result = tree.Run("select", "ice", "generic", "--no-hooks");

            Assert.Equal(129, result.ExitCode);
            ContractChecker.AssertAccepted("error", result.Stdout);
            Assert.Contains("invalid signature", result.Stderr);
            Assert.Empty(tree.UpdatesNames(K));
        }
    }

    [Fact]
    public void A_module_signed_by_an_untrusted_key_is_rejected()
    {
        (HandTree tree, Signer trusted) = SignedTree();
        using var stranger = new Signer("someone else");
        using (tree)
        using (trusted)
        {
            string module = tree.Path($"lib/modules/{K}/dmv/ice/generic/ice.ko");
            HandTree fresh = new HandTree().Variant(K, "ice", "generic", ["ice.ko"]);
            File.Copy(fresh.Path($"lib/modules/{K}/dmv/ice/generic/ice.ko"), module, overwrite: true);
            fresh.Dispose();
            stranger.Sign(module);

            ProcessResult result = tree.Run("select", "ice", "generic", "--no-hooks");

            Assert.Equal(129, result.ExitCode);
            Assert.Contains("untrusted signature", result.Stderr);
            Assert.Contains("someone else", result.Stderr);
        }
    }

    [Fact]
    public void An_unsigned_module_is_EPERM_under_enforce_warned_under_warn_ignored_under_off()
    {
        (HandTree tree, Signer signer) = SignedTree();
        using (tree)
        using (signer)
        {
            tree.Variant(K, "ice", "plain", ["ice.ko"]);

            ProcessResult enforced = tree.Run("select", "ice", "plain", "--no-hooks");
            Assert.Equal(1, enforced.ExitCode);
            Assert.Contains("unsigned signature", enforced.Stderr);

            ProcessResult warned = tree.Run("select", "ice", "plain", "--no-hooks", "--signatures", "warn");
            Assert.Equal(0, warned.ExitCode);
            Assert.Contains("selected anyway (--signatures warn)", warned.Stderr);

            ProcessResult off = tree.Run("select", "ice", "generic", "--no-hooks", "--signatures", "off");
            Assert.Equal(0, off.ExitCode);
            Assert.Equal("", off.Stderr);
        }
    }

    [Fact]
    public void Inspect_verifies_against_a_trust_folder()
    {
        (HandTree tree, Signer signer) = SignedTree();
        using (tree)
        using (signer)
        {
            string module = tree.Path($"lib/modules/{K}/dmv/ice/generic/ice.ko");

            ProcessResult result = DriverTool.Run("inspect", "--trusted-keys", tree.Path("etc/driver-tool/trusted-keys"), module);

            Assert.True(result.ExitCode == 0, result.ToString());
            JsonElement verification = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("modules")[0].GetProperty("verification");
            Assert.Equal("trusted", verification.GetProperty("status").GetString());
        }
    }

    [Fact]
    public void Without_trusted_certificates_signatures_are_not_enforced_by_default()
    {
        using HandTree tree = new HandTree().Variant(K, "ice", "plain", ["ice.ko"]);

        Assert.Equal(0, tree.Run("select", "ice", "plain", "--no-hooks").ExitCode);
        Assert.Equal("off", JsonDocument.Parse(tree.Run("explain", "ice").Stdout).RootElement.GetProperty("signature_policy").GetString());
        Assert.Equal(1, tree.Run("select", "ice", "plain", "--no-hooks", "--signatures", "enforce").ExitCode);
    }

    [Fact]
    public void Verify_reports_a_module_the_policy_would_refuse()
    {
        (HandTree tree, Signer signer) = SignedTree();
        using (tree)
        using (signer)
        {
            tree.Variant(K, "ice", "plain", ["ice.ko"]);

            ProcessResult result = tree.Run("verify");

            Assert.Equal(117, result.ExitCode);
            JsonElement problem = Assert.Single(JsonDocument.Parse(result.Stdout).RootElement.GetProperty("problems").EnumerateArray());
            Assert.Equal("signature", problem.GetProperty("kind").GetString());
            Assert.Contains("/plain/ice.ko", problem.GetProperty("path").GetString());
        }
    }

    [Fact]
    public void Auto_select_selects_what_it_can_and_fails_with_the_reason_of_what_it_refused()
    {
        (HandTree tree, Signer signer) = SignedTree();
        using (tree)
        using (signer)
        {
            tree.Variant(K, "other", "plain", ["other.ko"]);

            ProcessResult result = tree.Run("auto-select", "--no-hooks");

            Assert.Equal(1, result.ExitCode);
            Assert.Contains("auto-selected 1 driver(s), but 1 could not be: other:", result.Stderr);
            Assert.Equal("../dmv/ice/generic/ice.ko", tree.LinkTarget(K, "ice.ko"));
            Assert.Null(tree.LinkTarget(K, "other.ko"));
            Assert.Equal(0, tree.Run("verify", "ice").ExitCode);
        }
    }
}
