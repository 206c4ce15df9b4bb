using System.Security.Cryptography;

namespace Dmv.Core.Signing;

/// <summary>
/// Checks a module's appended signature as the kernel would at load time: a detached PKCS#7 over
/// the bytes before the signature, by the key of a trusted certificate named by issuer and serial
/// number. RSA (PKCS#1 v1.5) and ECDSA keys. Where the platform's cryptography library cannot be
/// loaded (an initrd without libcrypto), the verdict says so instead of failing.
/// </summary>
internal sealed class SignatureVerifier(TrustStore trust)
{
    private const string RsaOid = "1.2.840.113549.1.1.1";
    private const string EcOid = "1.2.840.10045.2.1";

    public TrustStore Trust => trust;

    public SignatureVerdict Verify(ReadOnlySpan<byte> module)
    {
        if (!ModuleSignature.TryFind(module, out ModuleSignature? signature, out string? trailerError))
        {
            return trailerError is null
                ? new SignatureVerdict(SignatureStatus.Unsigned, "no signature appended")
                : new SignatureVerdict(SignatureStatus.Invalid, trailerError);
        }

        if (signature.IdType != ModuleSignature.Pkcs7)
        {
            return new SignatureVerdict(SignatureStatus.NotPossible, $"{signature.IdTypeName} signatures are not supported (the kernel only accepts PKCS#7)");
        }

        if (signature.MalformedReason is { } malformed)
        {
            return new SignatureVerdict(SignatureStatus.Untrusted, malformed);
        }

        if (!Pkcs7Signer.TryParse(signature.Signature(module), out Pkcs7Signer? signer, out string error))
        {
            return new SignatureVerdict(SignatureStatus.Invalid, error);
        }

        TrustedCertificate? certificate = trust.Find(signer);
        if (certificate is null)
        {
            return new SignatureVerdict(SignatureStatus.Untrusted, $"signed by '{signer.Signer}' (key {signer.KeyId}), which is not among the {trust.Certificates.Count} trusted certificate(s) in {trust.Folder}");
        }

        if (signer.HasSignedAttributes)
        {
            return new SignatureVerdict(SignatureStatus.NotPossible, "signatures with signed attributes are not supported (sign-file makes none)");
        }

        HashAlgorithmName? hash = HashAlgorithms.ForVerification(signer.HashAlgorithm);
        if (hash is null)
        {
            return new SignatureVerdict(SignatureStatus.NotPossible, $"hash algorithm {signer.HashAlgorithm} is not supported");
        }

        if (!CryptoLibraryPresent())
        {
            return Missing;
        }

        try
        {
            ReadOnlySpan<byte> content = module[..signature.SignedLength];
            bool valid = certificate.KeyAlgorithmOid switch
            {
                RsaOid => VerifyRsa(certificate, content, signer.SignatureValue, hash.Value),
                EcOid => VerifyEcdsa(certificate, content, signer.SignatureValue, hash.Value),
                _ => throw new NotSupportedException($"key algorithm {certificate.KeyAlgorithmOid}"),
            };
            return valid
                ? new SignatureVerdict(SignatureStatus.Trusted, $"signed by '{signer.Signer}' ({Path.GetFileName(certificate.File)})")
                : new SignatureVerdict(SignatureStatus.Invalid, $"the signature by '{signer.Signer}' does not match the module's bytes: changed after signing, or corrupt");
        }
        catch (PlatformNotSupportedException)
        {
            return Missing;
        }
        catch (NotSupportedException failure)
        {
            return new SignatureVerdict(SignatureStatus.NotPossible, failure.Message + " is not supported");
        }
        catch (CryptographicException)
        {
            return new SignatureVerdict(SignatureStatus.Invalid, $"the signature cannot be checked with {Path.GetFileName(certificate.File)}: the key or the signature value is not valid for its algorithm");
        }
        catch (Exception failure) when (failure is TypeInitializationException or DllNotFoundException or EntryPointNotFoundException or PlatformNotSupportedException)
        {
            return Missing;
        }
    }

    private static readonly SignatureVerdict Missing = new(SignatureStatus.NotPossible, "libcrypto.so.3 is not installed (OpenSSL 3: checking signatures needs it)", LibraryMissing: true);

    private int _crypto; // 0 not yet known, 1 present, -1 missing

    /// <summary>Whether OpenSSL's libcrypto can be loaded (asked once): the runtime's cryptography is built on it.</summary>
    private bool CryptoLibraryPresent()
    {
        if (_crypto == 0)
        {
            bool present = System.Runtime.InteropServices.NativeLibrary.TryLoad("libcrypto.so.3", out nint handle)
                || System.Runtime.InteropServices.NativeLibrary.TryLoad("libcrypto.so.1.1", out handle);
            _crypto = present ? 1 : -1;
        }

        return _crypto > 0;
    }

    private static bool VerifyRsa(TrustedCertificate certificate, ReadOnlySpan<byte> content, byte[] signature, HashAlgorithmName hash)
    {
        using RSA rsa = RSA.Create();
        rsa.ImportSubjectPublicKeyInfo(certificate.SubjectPublicKeyInfo, out _);
        return rsa.VerifyData(content, signature, hash, RSASignaturePadding.Pkcs1);
    }

    private static bool VerifyEcdsa(TrustedCertificate certificate, ReadOnlySpan<byte> content, byte[] signature, HashAlgorithmName hash)
    {
        using ECDsa ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(certificate.SubjectPublicKeyInfo, out _);
        return ecdsa.VerifyData(content, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
    }
}
