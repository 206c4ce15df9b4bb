using System.Buffers.Binary;

namespace Dmv.Cli.Tests;

/// <summary>
/// Signing keys made with openssl, and modules signed the way the kernel's scripts/sign-file does:
/// a detached CMS (PKCS#7) signature, no certificates, no signed attributes, issuer and serial to
/// name the key, followed by struct module_signature and the magic string.
/// </summary>
public sealed class Signer : IDisposable
{
    public Signer(string commonName)
    {
        Folder = Path.Combine(Path.GetTempPath(), "dmv-key-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder);
        OpenSsl("req", "-new", "-x509", "-newkey", "rsa:2048", "-nodes", "-sha256", "-days", "30",
            "-subj", $"/CN={commonName}", "-keyout", KeyPath, "-out", CertificatePath);
    }

    public string Folder { get; }

    public string KeyPath => Path.Combine(Folder, "key.pem");

    public string CertificatePath => Path.Combine(Folder, "cert.pem");

    /// <summary>The certificate in DER, as the kernel's signing_key.x509 is kept.</summary>
    public byte[] CertificateDer()
    {
        string der = Path.Combine(Folder, "cert.der");
        OpenSsl("x509", "-in", CertificatePath, "-outform", "DER", "-out", der);
        return File.ReadAllBytes(der);
    }

    public void Sign(string module)
    {
        string signature = module + ".p7s";
        OpenSsl("cms", "-sign", "-binary", "-noattr", "-nocerts", "-nosmimecap", "-outform", "DER", "-md", "sha256",
            "-signer", CertificatePath, "-inkey", KeyPath, "-in", module, "-out", signature);
        byte[] bytes = File.ReadAllBytes(signature);
        File.Delete(signature);
        var info = new byte[12];
        info[2] = 2; // PKEY_ID_PKCS7
        BinaryPrimitives.WriteUInt32BigEndian(info.AsSpan(8), (uint)bytes.Length);
        using var file = new FileStream(module, FileMode.Append);
        file.Write(bytes);
        file.Write(info);
        file.Write("~Module signature appended~\n"u8);
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    private static void OpenSsl(params string[] arguments) => ExternalCommand.Check(["openssl", .. arguments]);
}
