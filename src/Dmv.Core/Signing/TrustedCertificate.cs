using System.Formats.Asn1;
using System.Numerics;

namespace Dmv.Core.Signing;

/// <summary>
/// An X.509 certificate from the trust folder, reduced to what verifying a module needs: the
/// issuer and serial number a PKCS#7 signer names it by, and its public key. Parsed with AsnReader,
/// so no certificate store or chain machinery is involved: as in the kernel's keyring, a
/// certificate in the folder is trusted as it is.
/// </summary>
internal sealed record TrustedCertificate(string File, byte[] IssuerDer, byte[] SerialNumber, byte[] SubjectPublicKeyInfo, string KeyAlgorithmOid, string Subject)
{
    public static bool TryParse(string file, byte[] der, [NotNullWhen(true)] out TrustedCertificate? certificate, out string error)
    {
        certificate = null;
        try
        {
            AsnReader tbs = new AsnReader(der, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            if (tbs.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                tbs.ReadEncodedValue();
            }

            BigInteger serial = tbs.ReadInteger();
            tbs.ReadSequence();
            byte[] issuer = tbs.ReadEncodedValue().ToArray();
            tbs.ReadSequence();
            byte[] subject = tbs.ReadEncodedValue().ToArray();
            byte[] publicKey = tbs.ReadEncodedValue().ToArray();
            string algorithm = new AsnReader(publicKey, AsnEncodingRules.DER).ReadSequence().ReadSequence().ReadObjectIdentifier();
            certificate = new TrustedCertificate(file, issuer, serial.ToByteArray(isUnsigned: true, isBigEndian: true), publicKey, algorithm, Pkcs7Signer.CommonNameOf(subject));
            error = "";
            return true;
        }
        catch (Exception failure) when (failure is AsnContentException or ArgumentException or OverflowException)
        {
            error = "not an X.509 certificate: its DER encoding is not valid";
            return false;
        }
    }
}
