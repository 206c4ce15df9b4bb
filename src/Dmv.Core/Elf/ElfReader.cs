using System.Buffers.Binary;
using System.Text;

namespace Dmv.Core.Elf;

/// <summary>
/// Reads the section header table of an ELF64 little-endian x86-64 relocatable file (a kernel
/// module) over a span. Every offset, size and count is checked against the length before it is
/// used, as kmod's libkmod-elf does, so a truncated or hostile file is an error with a reason and
/// never a read outside the data. Other classes, byte orders and machines are recognised and
/// refused rather than misread.
/// </summary>
public static class ElfReader
{
    private const int HeaderSize = 64;
    private const int SectionHeaderSize = 64;
    private const ushort MachineX86_64 = 62;
    private const ushort TypeRelocatable = 1;
    private const ushort ExtendedIndex = 0xffff;
    private const int MaxSections = 1 << 20;

    public static bool TryReadSections(ReadOnlySpan<byte> file, out List<ElfSection> sections, out string error)
    {
        sections = new List<ElfSection>();
        if (file.Length < 16 || !file[..4].SequenceEqual("\u007fELF"u8))
        {
            error = file.Length < 4 ? $"too short for an ELF file ({file.Length} bytes)" : "not an ELF file (no \\x7fELF magic)";
            return false;
        }

        byte elfClass = file[4], byteOrder = file[5];
        if (elfClass != 2)
        {
            error = elfClass == 1 ? "32-bit ELF (ELFCLASS32): not an x86-64 module" : $"unknown ELF class {elfClass}";
            return false;
        }

        if (byteOrder != 1)
        {
            error = byteOrder == 2 ? "big-endian ELF (ELFDATA2MSB): not an x86-64 module" : $"unknown ELF byte order {byteOrder}";
            return false;
        }

        if (file.Length < HeaderSize)
        {
            error = $"ELF header truncated: {file.Length} bytes where 64 are needed";
            return false;
        }

        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(file[16..]);
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(file[18..]);
        if (machine != MachineX86_64)
        {
            error = $"ELF machine {machine}, not x86-64 (62)";
            return false;
        }

        if (type != TypeRelocatable)
        {
            error = $"ELF type {type}, not a relocatable object (a module is ET_REL)";
            return false;
        }

        ulong tableOffset = BinaryPrimitives.ReadUInt64LittleEndian(file[40..]);
        ushort entrySize = BinaryPrimitives.ReadUInt16LittleEndian(file[58..]);
        ulong count = BinaryPrimitives.ReadUInt16LittleEndian(file[60..]);
        uint namesIndex = BinaryPrimitives.ReadUInt16LittleEndian(file[62..]);
        if (tableOffset == 0)
        {
            error = "no section header table";
            return false;
        }

        if (entrySize != SectionHeaderSize)
        {
            error = $"section header size {entrySize}, 64 expected";
            return false;
        }

        if (tableOffset > (ulong)file.Length || (ulong)file.Length - tableOffset < SectionHeaderSize)
        {
            error = $"section header table at {tableOffset} lies past the end ({file.Length} bytes)";
            return false;
        }

        // Extended numbering: a count or string-table index too large for the header is kept in section 0.
        ReadOnlySpan<byte> first = file.Slice((int)tableOffset, SectionHeaderSize);
        if (count == 0)
        {
            count = BinaryPrimitives.ReadUInt64LittleEndian(first[32..]);
        }

        if (namesIndex == ExtendedIndex)
        {
            namesIndex = BinaryPrimitives.ReadUInt32LittleEndian(first[40..]);
        }

        if (count == 0 || count > MaxSections || count * SectionHeaderSize > (ulong)file.Length - tableOffset)
        {
            error = $"{count} section headers at {tableOffset} do not fit in {file.Length} bytes";
            return false;
        }

        if (namesIndex >= count)
        {
            error = $"section name table index {namesIndex} out of range ({count} sections)";
            return false;
        }

        if (!TryHeader(file, tableOffset, namesIndex, out _, out uint namesType, out long namesOffset, out long namesSize, out error))
        {
            return false;
        }

        if (namesType == ElfSection.NoBits)
        {
            error = "the section name table has no data";
            return false;
        }

        ReadOnlySpan<byte> names = file.Slice((int)namesOffset, (int)namesSize);
        for (uint index = 0; index < count; index++)
        {
            if (!TryHeader(file, tableOffset, index, out uint nameOffset, out uint sectionType, out long offset, out long size, out error))
            {
                return false;
            }

            if (nameOffset >= names.Length && !(index == 0 && nameOffset == 0))
            {
                error = $"section {index}: name offset {nameOffset} past the name table ({names.Length} bytes)";
                return false;
            }

            ReadOnlySpan<byte> name = names.IsEmpty ? default : names[(int)nameOffset..];
            int end = name.IndexOf((byte)0);
            if (end < 0)
            {
                error = $"section {index}: name not terminated inside the name table";
                return false;
            }

            sections.Add(new ElfSection(Encoding.UTF8.GetString(name[..end]), sectionType, offset, size));
        }

        error = "";
        return true;
    }

    public static ElfSection? Find(List<ElfSection> sections, string name)
    {
        foreach (ElfSection section in sections)
        {
            if (section.Name == name)
            {
                return section;
            }
        }

        return null;
    }

    private static bool TryHeader(ReadOnlySpan<byte> file, ulong tableOffset, uint index, out uint name, out uint type, out long offset, out long size, out string error)
    {
        ReadOnlySpan<byte> header = file.Slice((int)(tableOffset + (ulong)index * SectionHeaderSize), SectionHeaderSize);
        name = BinaryPrimitives.ReadUInt32LittleEndian(header);
        type = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        ulong rawOffset = BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
        ulong rawSize = BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
        offset = 0;
        size = 0;
        if (type != ElfSection.NoBits && index != 0 && (rawOffset > (ulong)file.Length || rawSize > (ulong)file.Length - rawOffset))
        {
            error = $"section {index}: {rawSize} bytes at {rawOffset} lie past the end ({file.Length} bytes)";
            return false;
        }

        if (type != ElfSection.NoBits && index != 0)
        {
            offset = (long)rawOffset;
            size = (long)rawSize;
        }

        error = "";
        return true;
    }
}
