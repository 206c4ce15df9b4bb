using System.Formats.Asn1;
using System.Numerics;
using System.Text;

namespace Dmv.Core.Signing;

/// <summary>
/// What the (detached, attribute-less) PKCS#7 SignedData of a module says about its signer: the
/// issuer and serial number naming the key, the digest algorithm, the signature algorithm and value.
/// The signer name and key id are the issuer's common name and the serial's bytes, as modinfo shows them.
/// </summary>
internal sealed record Pkcs7Signer(
    string Signer,
    byte[] SerialNumber,
    byte[] IssuerDer,
    string DigestOid,
    string SignatureOid,
    byte[] SignatureValue,
    bool HasSignedAttributes)
{
    private const string SignedDataOid = "1.2.840.113549.1.7.2";
    private const string CommonNameOid = "2.5.4.3";

    public string HashAlgorithm => HashAlgorithms.NameOf(DigestOid);

    /// <summary>The serial as modinfo prints sig_key: its magnitude's bytes, upper-case hex, colon-separated.</summary>
    public string KeyId => Hex(SerialNumber);

    public static string Hex(ReadOnlySpan<byte> bytes)
    {
        var text = new StringBuilder(bytes.Length * 3);
        foreach (byte value in bytes)
        {
            if (text.Length > 0)
            {
                text.Append(':');
            }

            text.Append(value.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    public static bool TryParse(ReadOnlySpan<byte> der, [NotNullWhen(true)] out Pkcs7Signer? signer, out string error)
    {
        signer = null;
        try
        {
            var content = new AsnReader(der.ToArray(), AsnEncodingRules.BER);
            AsnReader contentInfo = content.ReadSequence();
            string type = contentInfo.ReadObjectIdentifier();
            if (type != SignedDataOid)
            {
                error = $"PKCS#7 content type {type}, not signedData";
                return false;
            }

            AsnReader signedData = contentInfo.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0)).ReadSequence();
            signedData.ReadInteger();
            signedData.ReadSetOf();
            signedData.ReadSequence();
            if (signedData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                signedData.ReadEncodedValue();
            }

            if (signedData.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1)))
            {
                signedData.ReadEncodedValue();
            }

            AsnReader signerInfos = signedData.ReadSetOf();
            if (!signerInfos.HasData)
            {
                error = "PKCS#7 without a signer";
                return false;
            }

            AsnReader info = signerInfos.ReadSequence();
            info.ReadInteger();
            if (!info.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                error = "the signer is named by a subject key identifier, not by issuer and serial number";
                return false;
            }

            AsnReader issuerAndSerial = info.ReadSequence();
            byte[] issuer = issuerAndSerial.ReadEncodedValue().ToArray();
            BigInteger serial = issuerAndSerial.ReadInteger();
            string digest = info.ReadSequence().ReadObjectIdentifier();
            bool signedAttributes = false;
            if (info.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0)))
            {
                info.ReadEncodedValue();
                signedAttributes = true;
            }

            string signatureAlgorithm = info.ReadSequence().ReadObjectIdentifier();
            byte[] value = info.ReadOctetString();
            signer = new Pkcs7Signer(CommonNameOf(issuer), serial.ToByteArray(isUnsigned: true, isBigEndian: true), issuer, digest, signatureAlgorithm, value, signedAttributes);
            error = "";
            return true;
        }
        catch (Exception failure) when (failure is AsnContentException or ArgumentException or OverflowException)
        {
            error = failure is OverflowException ? "malformed PKCS#7 signature: a number in it is out of range" : "malformed PKCS#7 signature: its DER encoding is not valid";
            return false;
        }
    }

    /// <summary>The issuer's CN, as kmod prints the signer; empty when there is none.</summary>
    public static string CommonNameOf(byte[] issuerDer)
    {
        var name = new AsnReader(issuerDer, AsnEncodingRules.BER).ReadSequence();
        while (name.HasData)
        {
            AsnReader set = name.ReadSetOf();
            while (set.HasData)
            {
                AsnReader attribute = set.ReadSequence();
                string oid = attribute.ReadObjectIdentifier();
                if (oid != CommonNameOid)
                {
                    attribute.ReadEncodedValue();
                    continue;
                }

                Asn1Tag tag = attribute.PeekTag();
                return tag.TagValue switch
                {
                    (int)UniversalTagNumber.UTF8String => attribute.ReadCharacterString(UniversalTagNumber.UTF8String),
                    (int)UniversalTagNumber.PrintableString => attribute.ReadCharacterString(UniversalTagNumber.PrintableString),
                    (int)UniversalTagNumber.IA5String => attribute.ReadCharacterString(UniversalTagNumber.IA5String),
                    (int)UniversalTagNumber.BMPString => attribute.ReadCharacterString(UniversalTagNumber.BMPString),
                    _ => Encoding.UTF8.GetString(attribute.ReadEncodedValue().Span),
                };
            }
        }

        return "";
    }
}
