namespace Dmv.Core.Elf;

/// <summary>One section header of an ELF file: its name, type and where its bytes are (already checked to lie inside the file).</summary>
public readonly record struct ElfSection(string Name, uint Type, long Offset, long Size)
{
    public const uint NoBits = 8;
    public const uint Note = 7;

    public ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> file) =>
        Type == NoBits ? ReadOnlySpan<byte>.Empty : file.Slice((int)Offset, (int)Size);
}
