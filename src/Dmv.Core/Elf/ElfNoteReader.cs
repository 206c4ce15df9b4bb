using System.Buffers.Binary;

namespace Dmv.Core.Elf;

/// <summary>
/// Walks the records of a note section (or a /sys/module/M/notes file) over a span, every
/// length checked against what is left, so a truncated or hostile file ends in an error, never
/// in a read past its end. Records are <c>u32 namesz, u32 descsz, u32 type</c>, then the name
/// and the descriptor, each padded to 4 bytes.
/// </summary>
internal ref struct ElfNoteReader
{
    private const int HeaderSize = 12;
    private readonly ReadOnlySpan<byte> _data;
    private int _offset;

    public ElfNoteReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _offset = 0;
        Error = null;
    }

    /// <summary>Why the walk stopped early, or null when it reached the end cleanly.</summary>
    public string? Error { get; private set; }

    /// <summary>Reads the next record; false at the end of the data or on a malformed record (see <see cref="Error"/>).</summary>
    public bool TryReadNext(out ElfNote note)
    {
        note = default;
        if (Error is not null)
        {
            return false;
        }

        ReadOnlySpan<byte> rest = _data[_offset..];
        if (rest.IsEmpty)
        {
            return false;
        }

        if (rest.Length < HeaderSize)
        {
            return Fail($"note at offset {_offset} is truncated: {rest.Length} bytes where a 12-byte header is needed");
        }

        uint nameSize = ReadUInt32(rest);
        uint descriptorSize = ReadUInt32(rest[4..]);
        uint type = ReadUInt32(rest[8..]);

        long nameEnd = HeaderSize + (long)nameSize;
        long descriptorStart = HeaderSize + Align4(nameSize);
        long descriptorEnd = descriptorStart + descriptorSize;
        if (nameEnd > rest.Length || descriptorEnd > rest.Length)
        {
            return Fail($"note at offset {_offset} is truncated: namesz {nameSize} and descsz {descriptorSize} need {descriptorEnd} bytes, {rest.Length} are left");
        }

        ReadOnlySpan<byte> name = rest.Slice(HeaderSize, (int)nameSize);
        int nul = name.IndexOf((byte)0);
        if (nul >= 0)
        {
            name = name[..nul];
        }

        note = new ElfNote(name, type, rest.Slice((int)descriptorStart, (int)descriptorSize));

        // The last record may end without its padding; anything else must stay 4-byte aligned.
        long next = descriptorStart + Align4(descriptorSize);
        _offset += (int)Math.Min(next, rest.Length);
        return true;
    }

    private static long Align4(uint value) => ((long)value + 3) & ~3L;

    private static uint ReadUInt32(ReadOnlySpan<byte> bytes) =>
        BinaryPrimitives.ReadUInt32LittleEndian(bytes);

    private bool Fail(string reason)
    {
        Error = reason;
        return false;
    }
}
