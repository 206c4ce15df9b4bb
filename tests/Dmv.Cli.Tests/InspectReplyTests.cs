using System.Buffers.Binary;
using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>inspect's reply has the same keys for every module, so a caller can index any of them.</summary>
public class InspectReplyTests
{
    private static readonly string[] SignatureKeys = ["present", "id_type", "signer", "sig_key", "sig_hashalgo", "length", "error"];

    [Fact]
    public void Signed_and_unsigned_modules_have_the_same_signature_keys()
    {
        string signed = Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko"));
        string unsigned = Path.Combine(Path.GetTempPath(), "dmv-unsigned-" + Guid.NewGuid().ToString("N")[..8] + ".ko");
        byte[] bytes = File.ReadAllBytes(signed);

        // The trailer is struct module_signature (12 bytes, sig_len big-endian last) and the 28-byte magic.
        int signatureLength = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(bytes.Length - 28 - 4, 4));
        File.WriteAllBytes(unsigned, bytes[..(bytes.Length - 28 - 12 - signatureLength)]);
        try
        {
            ProcessResult result = DriverTool.Run(["inspect", signed, unsigned]);
            Assert.Equal(0, result.ExitCode);
            JsonElement[] modules = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("modules").EnumerateArray().ToArray();
            Assert.Equal(2, modules.Length);
            foreach (JsonElement module in modules)
            {
                Assert.Equal(SignatureKeys, module.GetProperty("signature").EnumerateObject().Select(p => p.Name));
            }

            JsonElement present = modules[0].GetProperty("signature");
            Assert.True(present.GetProperty("present").GetBoolean());
            Assert.Equal(signatureLength, present.GetProperty("length").GetInt32());
            JsonElement absent = modules[1].GetProperty("signature");
            Assert.False(absent.GetProperty("present").GetBoolean());
            Assert.All(SignatureKeys[1..], key => Assert.Equal(JsonValueKind.Null, absent.GetProperty(key).ValueKind));
            Assert.Equal(modules[0].GetProperty("modinfo").GetRawText(), modules[1].GetProperty("modinfo").GetRawText());
        }
        finally
        {
            File.Delete(unsigned);
        }
    }
}
