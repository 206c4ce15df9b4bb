namespace Dmv.Core.Elf;

/// <summary>
/// Where each field of an ELF64 file header and section header lies, and how long it is: every
/// reader of module files reads through these names, never through bare numbers (after the field
/// tables of System.Formats.Tar). Values are little-endian: only x86-64 modules are read.
/// </summary>
internal static class ElfLayout
{
    public const int MagicLength = 4;
    public const int ClassOffset = 4;
    public const int ByteOrderOffset = 5;
    public const int TypeOffset = 16;
    public const int MachineOffset = 18;
    public const int SectionTableOffsetOffset = 40;
    public const int SectionEntrySizeOffset = 58;
    public const int SectionCountOffset = 60;
    public const int SectionNamesIndexOffset = 62;
    public const int HeaderSize = 64;

    public const byte Class64 = 2;
    public const byte Class32 = 1;
    public const byte LittleEndian = 1;
    public const byte BigEndian = 2;
    public const ushort TypeRelocatable = 1;
    public const ushort MachineX86_64 = 62;

    public const int SectionNameOffset = 0;
    public const int SectionTypeOffset = 4;
    public const int SectionDataOffset = 24;
    public const int SectionSizeOffset = 32;
    public const int SectionLinkOffset = 40;
    public const int SectionHeaderSize = 64;

    /// <summary>The section count and name-table index values that say "look in section 0" (extended numbering).</summary>
    public const ushort ExtendedIndex = 0xffff;

    public const uint SectionNote = 7;
    public const uint SectionNoBits = 8;

    public static ReadOnlySpan<byte> Magic => "\u007fELF"u8;
}
