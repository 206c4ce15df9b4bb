using System.Security.Cryptography;

namespace Dmv.Core.Signing;

/// <summary>Digest algorithm OIDs as kmod's modinfo names them (sig_hashalgo), and as .NET computes them.</summary>
internal static class HashAlgorithms
{
    public static string NameOf(string oid) => oid switch
    {
        "1.2.840.113549.2.5" => "md5",
        "1.3.14.3.2.26" => "sha1",
        "2.16.840.1.101.3.4.2.4" => "sha224",
        "2.16.840.1.101.3.4.2.1" => "sha256",
        "2.16.840.1.101.3.4.2.2" => "sha384",
        "2.16.840.1.101.3.4.2.3" => "sha512",
        "2.16.840.1.101.3.4.2.8" => "sha3-256",
        "2.16.840.1.101.3.4.2.9" => "sha3-384",
        "2.16.840.1.101.3.4.2.10" => "sha3-512",
        "1.2.156.10197.1.401" => "sm3",
        _ => oid,
    };

    public static HashAlgorithmName? ForVerification(string name) => name switch
    {
        "sha1" => HashAlgorithmName.SHA1,
        "sha256" => HashAlgorithmName.SHA256,
        "sha384" => HashAlgorithmName.SHA384,
        "sha512" => HashAlgorithmName.SHA512,
        "sha3-256" => HashAlgorithmName.SHA3_256,
        "sha3-384" => HashAlgorithmName.SHA3_384,
        "sha3-512" => HashAlgorithmName.SHA3_512,
        _ => null,
    };
}
