using System.Buffers.Binary;
using System.Text;

namespace Dmv.Core.Modules;

/// <summary>Reads <c>__versions</c> (CONFIG_MODVERSIONS): 64-byte entries on 64-bit kernels, <c>u64 crc; char name[56]</c>.</summary>
internal static class VersionsTable
{
    private const int EntrySize = 64;

    /// <summary>Checks the table's shape and counts its entries without reading the names.</summary>
    public static bool TryCount(ReadOnlySpan<byte> section, out int count, out string error)
    {
        count = section.Length / EntrySize;
        if (section.Length % EntrySize != 0)
        {
            error = $"__versions is {section.Length} bytes, not a whole number of 64-byte entries";
            return false;
        }

        for (int offset = 0; offset < section.Length; offset += EntrySize)
        {
            ReadOnlySpan<byte> name = section.Slice(offset + 8, EntrySize - 8);
            int end = name.IndexOf((byte)0);
            if (end <= 0)
            {
                error = end == 0 ? $"__versions entry {offset / EntrySize} has no name" : $"__versions entry {offset / EntrySize}: name not terminated";
                return false;
            }
        }

        error = "";
        return true;
    }

    public static bool TryParse(ReadOnlySpan<byte> section, out List<SymbolVersion> versions, out string error)
    {
        versions = new List<SymbolVersion>(section.Length / EntrySize);
        if (section.Length % EntrySize != 0)
        {
            error = $"__versions is {section.Length} bytes, not a whole number of 64-byte entries";
            return false;
        }

        for (int offset = 0; offset < section.Length; offset += EntrySize)
        {
            ReadOnlySpan<byte> entry = section.Slice(offset, EntrySize);
            ulong crc = BinaryPrimitives.ReadUInt64LittleEndian(entry);
            ReadOnlySpan<byte> name = entry[8..];
            int end = name.IndexOf((byte)0);
            if (end <= 0)
            {
                error = end == 0 ? $"__versions entry {offset / EntrySize} has no name" : $"__versions entry {offset / EntrySize}: name not terminated";
                return false;
            }

            versions.Add(new SymbolVersion(Encoding.UTF8.GetString(name[..end]), (uint)crc));
        }

        error = "";
        return true;
    }
}
