namespace Dmv.Core.Modules;

/// <summary>
/// The uncompressed size an .xz stream declares in its index (xz file format 1.0.4, §4 and §2.1.2):
/// the stream footer ends with "YZ" and gives the index size; the index lists each block's
/// uncompressed size. Every length is checked against the data, so a truncated or hostile stream
/// is simply "no index". Stream padding (zero bytes) and the four size bytes the kernel's build
/// appends to a compressed kernel image may follow the stream.
/// </summary>
internal static class XzIndex
{
    private const int FooterSize = 12;
    private const int HeaderSize = 12;

    /// <param name="streamLength">Where the stream ends (the footer's end): what to hand the decoder.</param>
    public static bool TryUncompressedSize(ReadOnlySpan<byte> data, out long size, out int streamLength)
    {
        size = 0;
        streamLength = data.Length;
        foreach (int trailer in new[] { 0, 4 })
        {
            int end = data.Length - trailer;
            while (end >= HeaderSize + FooterSize && end % 4 == 0 && data[(end - 4)..end].SequenceEqual((ReadOnlySpan<byte>)[0, 0, 0, 0]))
            {
                end -= 4;
            }

            if (end >= HeaderSize + FooterSize && TryIndex(data[..end], out size))
            {
                streamLength = end;
                return true;
            }
        }

        return false;
    }

    private static bool TryIndex(ReadOnlySpan<byte> stream, out long size)
    {
        size = 0;
        ReadOnlySpan<byte> footer = stream[^FooterSize..];
        if (footer[10] != (byte)'Y' || footer[11] != (byte)'Z')
        {
            return false;
        }

        long indexSize = ((long)System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(footer[4..]) + 1) * 4;
        if (indexSize > stream.Length - FooterSize - HeaderSize)
        {
            return false;
        }

        ReadOnlySpan<byte> index = stream.Slice(stream.Length - FooterSize - (int)indexSize, (int)indexSize);
        int at = 1;
        if (index[0] != 0 || !TryVarint(index, ref at, out long records) || records > index.Length)
        {
            return false;
        }

        for (long record = 0; record < records; record++)
        {
            if (!TryVarint(index, ref at, out _) || !TryVarint(index, ref at, out long uncompressed) || uncompressed > long.MaxValue - size)
            {
                return false;
            }

            size += uncompressed;
        }

        return true;
    }

    /// <summary>A multibyte integer: seven bits a byte, lowest first, at most nine bytes.</summary>
    private static bool TryVarint(ReadOnlySpan<byte> data, ref int at, out long value)
    {
        value = 0;
        for (int shift = 0; shift < 63 && at < data.Length; shift += 7)
        {
            byte next = data[at++];
            value |= (long)(next & 0x7f) << shift;
            if ((next & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
