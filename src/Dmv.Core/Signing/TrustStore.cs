using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Signing;

/// <summary>
/// The trusted certificates: every DER or PEM certificate file in a folder (by default
/// <c>/etc/driver-tool/trusted-keys/</c> of the managed system). An unreadable file is a warning.
/// </summary>
internal sealed class TrustStore
{
    public const string DefaultFolder = "/etc/driver-tool/trusted-keys";

    private TrustStore(string folder, List<TrustedCertificate> certificates)
    {
        Folder = folder;
        Certificates = certificates;
    }

    public string Folder { get; }

    public IReadOnlyList<TrustedCertificate> Certificates { get; }

    /// <param name="root">The managed system for its own folder, the running system for a folder given on the command line.</param>
    /// <param name="hostFolder">The folder as <paramref name="root"/> names it: every file in it is opened through the root, and only regular files are read.</param>
    public static TrustStore Load(HostRoot root, string hostFolder, DiagnosticLog log)
    {
        var certificates = new List<TrustedCertificate>();
        var entries = new List<DirectoryEntry>();
        string realFolder = root.RealPathOf(hostFolder);
        if (!root.TryList(hostFolder, entries, out Failure? failure))
        {
            if (failure.Errno != Errno.ENOENT)
            {
                log.Warn(realFolder, failure.DetailAt(realFolder));
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
            string hostPath = hostFolder.TrimEnd('/') + "/" + entry.Name;
            if (!root.TryReadFile(hostPath, 1 << 20, ref buffer, out int length, out failure))
            {
                // A folder inside, or what is no regular file, is not a certificate, and never opened as one.
                if (failure.Errno != Errno.EISDIR)
                {
                    log.Warn(path, failure.DetailAt(root.RealPathOf(hostPath)));
                }

                continue;
            }

            foreach (byte[] der in Decode(buffer.AsSpan(0, length)))
            {
                if (TrustedCertificate.TryParse(path, der, out TrustedCertificate? certificate, out string error))
                {
                    certificates.Add(certificate);
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
