namespace Dmv.Core.Elf;

/// <summary>One 64-byte section header as written, before any check of where it points.</summary>
internal readonly record struct ElfSectionHeader(uint NameOffset, uint Type, ulong DataOffset, ulong Size, uint Link)
{
    public static ElfSectionHeader Read(ReadOnlySpan<byte> entry) => new(
        ElfHeader.U32(entry, ElfLayout.SectionNameOffset),
        ElfHeader.U32(entry, ElfLayout.SectionTypeOffset),
        ElfHeader.U64(entry, ElfLayout.SectionDataOffset),
        ElfHeader.U64(entry, ElfLayout.SectionSizeOffset),
        ElfHeader.U32(entry, ElfLayout.SectionLinkOffset));

    /// <summary>True when the section's bytes are in the file (SHT_NOBITS has a size but no bytes).</summary>
    public bool HasData => Type != ElfLayout.SectionNoBits;
}
