using System.Buffers.Binary;
using System.Diagnostics;

namespace Dmv.Core.Elf;

/// <summary>
/// The fields of an ELF64 file header a module reader needs, read once, checked once: the magic,
/// class, byte order, machine and type of an x86-64 relocatable object. Both the full reader and
/// the sparse file reader start here, so the two cannot disagree on what a module header is.
/// </summary>
internal readonly record struct ElfHeader(ulong SectionTableOffset, ushort SectionEntrySize, ushort SectionCount, ushort SectionNamesIndex)
{
    public static bool TryRead(ReadOnlySpan<byte> file, out ElfHeader header, out string error)
    {
        header = default;
        if (file.Length < 16 || !file[..ElfLayout.MagicLength].SequenceEqual(ElfLayout.Magic))
        {
            error = file.Length < ElfLayout.MagicLength ? $"too short for an ELF file ({file.Length} bytes)" : "not an ELF file (no \\x7fELF magic)";
            return false;
        }

        byte elfClass = file[ElfLayout.ClassOffset], byteOrder = file[ElfLayout.ByteOrderOffset];
        if (elfClass != ElfLayout.Class64)
        {
            error = elfClass == ElfLayout.Class32 ? "32-bit ELF (ELFCLASS32): not an x86-64 module" : $"unknown ELF class {elfClass}";
            return false;
        }

        if (byteOrder != ElfLayout.LittleEndian)
        {
            error = byteOrder == ElfLayout.BigEndian ? "big-endian ELF (ELFDATA2MSB): not an x86-64 module" : $"unknown ELF byte order {byteOrder}";
            return false;
        }

        if (file.Length < ElfLayout.HeaderSize)
        {
            error = $"ELF header truncated: {file.Length} bytes where {ElfLayout.HeaderSize} are needed";
            return false;
        }

        ushort machine = U16(file, ElfLayout.MachineOffset);
        if (machine != ElfLayout.MachineX86_64)
        {
            error = $"ELF machine {machine}, not x86-64 ({ElfLayout.MachineX86_64})";
            return false;
        }

        ushort type = U16(file, ElfLayout.TypeOffset);
        if (type != ElfLayout.TypeRelocatable)
        {
            error = $"ELF type {type}, not a relocatable object (a module is ET_REL)";
            return false;
        }

        header = new ElfHeader(U64(file, ElfLayout.SectionTableOffsetOffset), U16(file, ElfLayout.SectionEntrySizeOffset), U16(file, ElfLayout.SectionCountOffset), U16(file, ElfLayout.SectionNamesIndexOffset));
        error = "";
        return true;
    }

    // The checked accessors every field goes through (kmod's elf_get_uint): the span's own bounds
    // check stops a read past the end; the assertion says the caller checked first.
    internal static ushort U16(ReadOnlySpan<byte> data, int offset)
    {
        Debug.Assert(offset >= 0 && offset + 2 <= data.Length);
        return BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(offset, 2));
    }

    internal static uint U32(ReadOnlySpan<byte> data, int offset)
    {
        Debug.Assert(offset >= 0 && offset + 4 <= data.Length);
        return BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset, 4));
    }

    internal static ulong U64(ReadOnlySpan<byte> data, int offset)
    {
        Debug.Assert(offset >= 0 && offset + 8 <= data.Length);
        return BinaryPrimitives.ReadUInt64LittleEndian(data.Slice(offset, 8));
    }
}
