using System.Buffers.Binary;

namespace Dmv.Core.Signing;

/// <summary>
/// The signature appended to a module: <c>signature bytes, struct module_signature (12 bytes),
/// "~Module signature appended~\n"</c>. <see cref="SignedLength"/> is the length of the module bytes
/// the signature covers (everything before it).
/// </summary>
public sealed record ModuleSignature(byte Algorithm, byte Hash, byte IdType, int SignedLength, int SignatureOffset, int SignatureLength)
{
    public const int Pkcs7 = 2;
    private const int InfoSize = 12;
    private static ReadOnlySpan<byte> Magic => "~Module signature appended~\n"u8;

    /// <summary>The id types of include/linux/module_signature.h, as modinfo names them.</summary>
    public string IdTypeName => IdType switch
    {
        0 => "PGP",
        1 => "X509",
        Pkcs7 => "PKCS#7",
        _ => $"unknown ({IdType})",
    };

    public ReadOnlySpan<byte> Signature(ReadOnlySpan<byte> file) => file.Slice(SignatureOffset, SignatureLength);

    /// <summary>Finds the trailer; false with a null error when the module is simply unsigned.</summary>
    public static bool TryFind(ReadOnlySpan<byte> file, out ModuleSignature? signature, out string? error)
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
        signature = new ModuleSignature(info[0], info[1], info[2], signatureOffset, signatureOffset, (int)length);
        return true;
    }
}
