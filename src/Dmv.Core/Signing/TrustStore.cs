using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Signing;

/// <summary>
/// The trusted certificates: every DER or PEM certificate file in a folder (by default
/// <c>/etc/driver-tool/trusted-keys/</c> of the managed system). An unreadable file is a warning.
/// </summary>
public sealed class TrustStore
{
    public const string DefaultFolder = "/etc/driver-tool/trusted-keys";

    private TrustStore(string folder, List<TrustedCertificate> certificates)
    {
        Folder = folder;
        Certificates = certificates;
    }

    public string Folder { get; }

    public IReadOnlyList<TrustedCertificate> Certificates { get; }

    /// <param name="realFolder">The folder's real path (already inside the root, or given on the command line).</param>
    public static TrustStore Load(string realFolder, DiagnosticLog log)
    {
        var certificates = new List<TrustedCertificate>();
        var entries = new List<DirectoryEntry>();
        if (!DirectoryReader.TryList(realFolder, entries, out int errno, out string reason))
        {
            if (errno != Errno.ENOENT)
            {
                log.Warn(realFolder, reason);
            }

            return new TrustStore(realFolder, certificates);
        }

        foreach (DirectoryEntry entry in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            string path = realFolder + "/" + entry.Name;
            if (entry.Kind == EntryKind.Directory || !entry.NameIsValid)
            {
                continue;
            }

            byte[] buffer = new byte[4096];
            if (!FileContent.TryRead(path, 1 << 20, ref buffer, out int length, out _, out reason))
            {
                log.Warn(path, reason);
                continue;
            }

            foreach (byte[] der in Decode(buffer.AsSpan(0, length)))
            {
                if (TrustedCertificate.TryParse(path, der, out TrustedCertificate? certificate, out string error))
                {
                    certificates.Add(certificate!);
                }
                else
                {
                    log.Warn(path, error);
                }
            }
        }

        return new TrustStore(realFolder, certificates);
    }

    public TrustedCertificate? Find(Pkcs7Signer signer) =>
        Certificates.FirstOrDefault(c => c.IssuerDer.AsSpan().SequenceEqual(signer.IssuerDer) && c.SerialNumber.AsSpan().SequenceEqual(signer.SerialNumber));

    /// <summary>DER as it is, or every CERTIFICATE block of a PEM file.</summary>
    private static IEnumerable<byte[]> Decode(ReadOnlySpan<byte> data)
    {
        if (data.Length > 0 && data[0] == 0x30)
        {
            return [data.ToArray()];
        }

        var blocks = new List<byte[]>();
        ReadOnlySpan<char> text = System.Text.Encoding.ASCII.GetString(data);
        while (System.Security.Cryptography.PemEncoding.TryFind(text, out System.Security.Cryptography.PemFields fields))
        {
            if (text[fields.Label].SequenceEqual("CERTIFICATE"))
            {
                blocks.Add(Convert.FromBase64String(text[fields.Base64Data].ToString()));
            }

            text = text[fields.Location.End..];
        }

        return blocks;
    }
}
