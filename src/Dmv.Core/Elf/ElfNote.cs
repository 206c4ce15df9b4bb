namespace Dmv.Core.Elf;

/// <summary>One ELF note record. <see cref="Name"/> excludes the terminating NUL whether or not the writer counted it.</summary>
internal readonly ref struct ElfNote
{
    public ElfNote(ReadOnlySpan<byte> name, uint type, ReadOnlySpan<byte> descriptor)
    {
        Name = name;
        Type = type;
        Descriptor = descriptor;
    }

    public ReadOnlySpan<byte> Name { get; }

    public uint Type { get; }

    public ReadOnlySpan<byte> Descriptor { get; }

    /// <summary>The descriptor read as a NUL-terminated string (up to the first NUL, or all of it).</summary>
    public ReadOnlySpan<byte> DescriptorString
    {
        get
        {
            int end = Descriptor.IndexOf((byte)0);
            return end < 0 ? Descriptor : Descriptor[..end];
        }
    }
}
