using System.Buffers.Binary;
using Dmv.Core.Modules;

namespace Dmv.Core.Kernels;

/// <summary>
/// Finds the configuration a kernel image embeds (CONFIG_IKCONFIG): the bzImage's compressed
/// payload (located through the setup header's payload_offset and payload_length, or by scanning
/// for a compression magic when there is no such header) is decompressed — gzip, xz or zstd; other
/// compressions are reported as unsupported — and the gzip stream between "IKCFG_ST" and
/// "IKCFG_ED" in it is the .config.
/// </summary>
internal static class KernelImage
{
    private const int MaxKernelBytes = 256 << 20;
    private static ReadOnlySpan<byte> Start => "IKCFG_ST"u8;
    private static ReadOnlySpan<byte> End => "IKCFG_ED"u8;

    /// <summary>The embedded configuration text; null with the reason when there is none or it cannot be read.</summary>
    public static string? FindConfig(ReadOnlySpan<byte> image, NativeCodecs codecs, out string? reason)
    {
        if (!TryPayload(image, out ReadOnlySpan<byte> payload, out reason))
        {
            return null;
        }

        Compression compression = Compressions.Detect(payload);
        if (compression == Compression.None)
        {
            reason = $"the image's payload is compressed with {Name(payload)}, which is not supported (gzip, xz, zstd are)";
            return null;
        }

        if (!codecs.TryDecompress(compression, payload, out byte[] kernel, out string error, out _))
        {
            reason = $"the image's {compression.Word()} payload cannot be decompressed: {error}";
            return null;
        }

        return FindIkconfig(kernel, out reason);
    }

    /// <summary>Searches decompressed kernel text for the IKCONFIG block.</summary>
    public static string? FindIkconfig(ReadOnlySpan<byte> kernel, out string? reason)
    {
        int searched = 0;
        while (true)
        {
            int start = kernel[searched..].IndexOf(Start);
            if (start < 0)
            {
                reason = searched == 0 ? "the image embeds no configuration (CONFIG_IKCONFIG is off)" : "no IKCFG_ST marker is followed by a readable configuration";
                return null;
            }

            start += searched + Start.Length;
            int end = kernel[start..].IndexOf(End);
            if (end > 0 && NativeCodecs.TryGunzip(kernel.Slice(start, end), out byte[] config, out _))
            {
                reason = null;
                return System.Text.Encoding.UTF8.GetString(config);
            }

            // A marker that is not followed by a gzip stream (the string itself appears in the code, too).
            searched = start;
        }
    }

    private static bool TryPayload(ReadOnlySpan<byte> image, out ReadOnlySpan<byte> payload, [NotNullWhen(false)] out string? reason)
    {
        payload = default;
        if (image.Length > 0x250 && image.Slice(0x202, 4).SequenceEqual("HdrS"u8) && BinaryPrimitives.ReadUInt16LittleEndian(image[0x206..]) >= 0x208)
        {
            int setupSectors = image[0x1f1] == 0 ? 4 : image[0x1f1];
            long offset = (setupSectors + 1) * 512L + BinaryPrimitives.ReadUInt32LittleEndian(image[0x248..]);
            long length = BinaryPrimitives.ReadUInt32LittleEndian(image[0x24c..]);
            if (offset > image.Length || length > image.Length - offset)
            {
                reason = $"the setup header puts the payload ({length} bytes at {offset}) past the end of the image ({image.Length} bytes): truncated?";
                return false;
            }

            payload = image.Slice((int)offset, (int)length);
            reason = null;
            return true;
        }

        // No boot-protocol header: look for a compressed stream as scripts/extract-vmlinux does.
        foreach (byte[] magic in new[] { new byte[] { 0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00 }, new byte[] { 0x28, 0xb5, 0x2f, 0xfd }, new byte[] { 0x1f, 0x8b, 0x08 } })
        {
            int at = image.IndexOf(magic);
            if (at >= 0)
            {
                payload = image[at..];
                reason = null;
                return true;
            }
        }

        reason = "not a bzImage, and no gzip, xz or zstd stream in it";
        return false;
    }

    private static string Name(ReadOnlySpan<byte> payload) =>
        payload.StartsWith(new byte[] { 0x5d, 0x00, 0x00 }) ? "lzma"
        : payload.StartsWith("BZh"u8) ? "bzip2"
        : payload.StartsWith(new byte[] { 0x89, 0x4c, 0x5a, 0x4f }) ? "lzo"
        : payload.StartsWith(new byte[] { 0x02, 0x21, 0x4c, 0x18 }) ? "lz4"
        : "an unknown method";

    public static int MaxBytes => MaxKernelBytes;
}
