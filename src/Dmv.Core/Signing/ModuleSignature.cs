using System.Buffers.Binary;

namespace Dmv.Core.Signing;

/// <summary>
/// The signature appended to a module: <c>signature bytes, struct module_signature (12 bytes),
/// "~Module signature appended~\n"</c>. <see cref="SignedLength"/> is the length of the module bytes
/// the signature covers (everything before it).
/// </summary>
internal sealed record ModuleSignature(byte Algorithm, byte Hash, byte IdType, int SignedLength, int SignatureOffset, int SignatureLength, byte SignerLength = 0, byte KeyIdLength = 0, int Padding = 0)
{
    public const int Pkcs7 = 2;
    private const int InfoSize = 12;
    private static ReadOnlySpan<byte> Magic => "~Module signature appended~\n"u8;

    /// <summary>struct module_signature and the magic: the last bytes of a signed module.</summary>
    public const int TrailerSize = InfoSize + 28;

    /// <summary>
    /// Where the signature begins, from the trailer alone (the file's last <see cref="TrailerSize"/>
    /// bytes): false for an unsigned module or a trailer whose length does not fit.
    /// </summary>
    public static bool TryLengthOfSigned(ReadOnlySpan<byte> file, out int signed)
    {
        signed = 0;
        if (file.Length < TrailerSize || !file[^Magic.Length..].SequenceEqual(Magic))
        {
            return false;
        }

        uint length = BinaryPrimitives.ReadUInt32BigEndian(file[(file.Length - Magic.Length - 4)..]);
        if (length == 0 || length > (uint)(file.Length - TrailerSize))
        {
            return false;
        }

        signed = file.Length - TrailerSize - (int)length;
        return true;
    }

    /// <summary>The id types of include/linux/module_signature.h, as modinfo names them.</summary>
    public string IdTypeName => IdType switch
    {
        0 => "PGP",
        1 => "X509",
        Pkcs7 => "PKCS#7",
        _ => $"unknown ({IdType})",
    };

    /// <summary>
    /// Why the kernel's mod_check_sig would refuse this trailer with EBADMSG, or null: for a PKCS#7
    /// signature every other field of struct module_signature (algo, hash, signer_len, key_id_len,
    /// the three pad bytes) must be zero, since PKCS#7 carries them itself.
    /// </summary>
    public string? MalformedReason =>
        IdType != Pkcs7 ? null
        : Algorithm != 0 || Hash != 0 || SignerLength != 0 || KeyIdLength != 0 || Padding != 0
            ? $"malformed signature: struct module_signature has non-zero parameters (algo {Algorithm}, hash {Hash}, signer_len {SignerLength}, key_id_len {KeyIdLength}, padding {Padding}); the kernel refuses such a module (EBADMSG)"
            : null;

    public ReadOnlySpan<byte> Signature(ReadOnlySpan<byte> file) => file.Slice(SignatureOffset, SignatureLength);

    /// <summary>Finds the trailer; false with a null error when the module is simply unsigned.</summary>
    public static bool TryFind(ReadOnlySpan<byte> file, [NotNullWhen(true)] out ModuleSignature? signature, out string? error)
    {
        signature = null;
        error = null;
        if (file.Length < Magic.Length || !file[^Magic.Length..].SequenceEqual(Magic))
        {
            return false;
        }

        int infoOffset = file.Length - Magic.Length - InfoSize;
        if (infoOffset < 0)
        {
            error = "signature trailer truncated: no room for struct module_signature";
            return false;
        }

        ReadOnlySpan<byte> info = file.Slice(infoOffset, InfoSize);
        uint length = BinaryPrimitives.ReadUInt32BigEndian(info[8..]);
        if (length == 0 || length > (uint)infoOffset)
        {
            error = $"signature length {length} larger than the {infoOffset} bytes before it";
            return false;
        }

        int signatureOffset = infoOffset - (int)length;
        int padding = info[5] << 16 | info[6] << 8 | info[7];
        signature = new ModuleSignature(info[0], info[1], info[2], signatureOffset, signatureOffset, (int)length, info[3], info[4], padding);
        return true;
    }
}
