namespace Dmv.Core.Elf;

/// <summary>
/// One section of an ELF file, checked to lie inside it: its type, where its bytes are, and where
/// its name is in the file (compared in place as UTF-8: no string per section).
/// </summary>
internal readonly record struct ElfSection(int NameStart, int NameLength, uint Type, long Offset, long Size)
{
    public ReadOnlySpan<byte> Bytes(ReadOnlySpan<byte> file) =>
        Type == ElfLayout.SectionNoBits ? ReadOnlySpan<byte>.Empty : file.Slice((int)Offset, (int)Size);

    public bool NameIs(ReadOnlySpan<byte> file, ReadOnlySpan<byte> name) => file.Slice(NameStart, NameLength).SequenceEqual(name);

    public string Name(ReadOnlySpan<byte> file) => System.Text.Encoding.UTF8.GetString(file.Slice(NameStart, NameLength));
}
