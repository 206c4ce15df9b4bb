namespace Dmv.Core.Elf;

/// <summary>
/// Reads the section header table of an ELF64 little-endian x86-64 relocatable file (a kernel
/// module) over a span. Every offset, size and count is checked against the length before it is
/// used, as kmod's libkmod-elf does, so a truncated or hostile file is an error with a reason and
/// never a read outside the data. Other classes, byte orders and machines are recognised and
/// refused rather than misread (<see cref="ElfHeader"/>).
/// </summary>
internal static class ElfReader
{
    private const int MaxSections = 1 << 20;

    public static bool TryReadSections(ReadOnlySpan<byte> file, out List<ElfSection> sections, out string error)
    {
        sections = new List<ElfSection>();
        if (!ElfHeader.TryRead(file, out ElfHeader header, out error))
        {
            return false;
        }

        ulong tableOffset = header.SectionTableOffset;
        ulong count = header.SectionCount;
        uint namesIndex = header.SectionNamesIndex;
        if (tableOffset == 0)
        {
            error = "no section header table";
            return false;
        }

        if (header.SectionEntrySize != ElfLayout.SectionHeaderSize)
        {
            error = $"section header size {header.SectionEntrySize}, {ElfLayout.SectionHeaderSize} expected";
            return false;
        }

        if (tableOffset > (ulong)file.Length || (ulong)file.Length - tableOffset < ElfLayout.SectionHeaderSize)
        {
            error = $"section header table at {tableOffset} lies past the end ({file.Length} bytes)";
            return false;
        }

        // Extended numbering: a count or string-table index too large for the header is kept in section 0.
        ElfSectionHeader first = ElfSectionHeader.Read(file.Slice((int)tableOffset, ElfLayout.SectionHeaderSize));
        if (count == 0)
        {
            count = first.Size;
        }

        if (namesIndex == ElfLayout.ExtendedIndex)
        {
            namesIndex = first.Link;
        }

        if (count == 0 || count > MaxSections || count * ElfLayout.SectionHeaderSize > (ulong)file.Length - tableOffset)
        {
            error = $"{count} section headers at {tableOffset} do not fit in {file.Length} bytes";
            return false;
        }

        if (namesIndex >= count)
        {
            error = $"section name table index {namesIndex} out of range ({count} sections)";
            return false;
        }

        if (!TryHeader(file, tableOffset, namesIndex, out ElfSectionHeader names, out long namesOffset, out long namesSize, out error))
        {
            return false;
        }

        if (!names.HasData)
        {
            error = "the section name table has no data";
            return false;
        }

        ReadOnlySpan<byte> nameTable = file.Slice((int)namesOffset, (int)namesSize);
        for (uint index = 0; index < count; index++)
        {
            if (!TryHeader(file, tableOffset, index, out ElfSectionHeader section, out long offset, out long size, out error))
            {
                return false;
            }

            uint nameOffset = section.NameOffset;
            if (nameOffset >= nameTable.Length && !(index == 0 && nameOffset == 0))
            {
                error = $"section {index}: name offset {nameOffset} past the name table ({nameTable.Length} bytes)";
                return false;
            }

            int end = nameTable.IsEmpty ? -1 : nameTable[(int)nameOffset..].IndexOf((byte)0);
            if (end < 0)
            {
                error = $"section {index}: name not terminated inside the name table";
                return false;
            }

            sections.Add(new ElfSection((int)(namesOffset + nameOffset), end, section.Type, offset, size));
        }

        error = "";
        return true;
    }

    public static ElfSection? Find(ReadOnlySpan<byte> file, List<ElfSection> sections, ReadOnlySpan<byte> name)
    {
        foreach (ElfSection section in sections)
        {
            if (section.NameIs(file, name))
            {
                return section;
            }
        }

        return null;
    }

    private static bool TryHeader(ReadOnlySpan<byte> file, ulong tableOffset, uint index, out ElfSectionHeader header, out long offset, out long size, out string error)
    {
        header = ElfSectionHeader.Read(file.Slice((int)(tableOffset + (ulong)index * ElfLayout.SectionHeaderSize), ElfLayout.SectionHeaderSize));
        offset = 0;
        size = 0;
        bool hasBytes = header.HasData && index != 0;
        if (hasBytes && (header.DataOffset > (ulong)file.Length || header.Size > (ulong)file.Length - header.DataOffset))
        {
            error = $"section {index}: {header.Size} bytes at {header.DataOffset} lie past the end ({file.Length} bytes)";
            return false;
        }

        if (hasBytes)
        {
            offset = (long)header.DataOffset;
            size = (long)header.Size;
        }

        error = "";
        return true;
    }

    /// <summary>
    /// Where the section table of a file of <paramref name="fileSize"/> bytes lies, from its header
    /// alone: false when it has none, or one that does not fit (the caller then reads the whole file
    /// and lets <see cref="TryReadSections"/> say what is wrong).
    /// </summary>
    public static bool TryTableLocation(ReadOnlySpan<byte> head, long fileSize, out long table, out int count, out int namesIndex)
    {
        table = 0;
        count = namesIndex = 0;
        if (!ElfHeader.TryRead(head, out ElfHeader header, out _))
        {
            return false;
        }

        const int Entry = ElfLayout.SectionHeaderSize;
        count = header.SectionCount;
        namesIndex = header.SectionNamesIndex;
        table = (long)header.SectionTableOffset;
        return count > 0 && namesIndex < count && header.SectionEntrySize == Entry && header.SectionTableOffset <= (ulong)fileSize
            && (ulong)count * Entry <= (ulong)fileSize - header.SectionTableOffset;
    }

    /// <summary>Where section <paramref name="index"/>'s bytes lie in the file (empty for one without file data), checked against <paramref name="fileSize"/>.</summary>
    public static bool TrySectionRange(ReadOnlySpan<byte> tableBytes, int index, long fileSize, out long offset, out long size)
    {
        ElfSectionHeader section = ElfSectionHeader.Read(tableBytes.Slice(index * ElfLayout.SectionHeaderSize, ElfLayout.SectionHeaderSize));
        offset = (long)section.DataOffset;
        size = section.HasData ? (long)section.Size : 0;
        return offset >= 0 && size >= 0 && offset <= fileSize && size <= fileSize - offset;
    }

    /// <summary>
    /// The byte ranges of the sections a report reads (<see cref="ModuleSections.Reported"/>), from the
    /// section table and its names, which must already be in hand; false for a table that does not hold together.
    /// </summary>
    public static bool WantedRanges(ReadOnlySpan<byte> tableBytes, int count, ReadOnlySpan<byte> names, long fileSize, bool symbols, List<(long Start, long End)> wanted)
    {
        for (int index = 1; index < count; index++)
        {
            ElfSectionHeader section = ElfSectionHeader.Read(tableBytes.Slice(index * ElfLayout.SectionHeaderSize, ElfLayout.SectionHeaderSize));
            if (section.NameOffset >= names.Length)
            {
                return false;
            }

            ReadOnlySpan<byte> name = names[(int)section.NameOffset..];
            int end = name.IndexOf((byte)0);
            if (ModuleSections.Reported(section.Type, end < 0 ? name : name[..end], symbols))
            {
                if (!TrySectionRange(tableBytes, index, fileSize, out long offset, out long size))
                {
                    return false;
                }

                wanted.Add((offset, offset + size));
            }
        }

        return true;
    }
}
