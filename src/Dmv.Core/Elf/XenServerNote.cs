namespace Dmv.Core.Elf;

/// <summary>The XenServer note that names a module's variant (or, in some builds, its version).</summary>
internal static class XenServerNote
{
    public const string SectionName = ".note.XenServer";
    public const uint VariantType = 1;

    private static ReadOnlySpan<byte> OwnerName => "XenServer"u8;

    /// <summary>
    /// Finds the type-1 XenServer note among all records. Returns true with its text when found;
    /// false with <paramref name="error"/> null when absent, or set when the data is malformed.
    /// </summary>
    public static bool TryFindVariant(ReadOnlySpan<byte> notes, out string variant, out string? error)
    {
        var reader = new ElfNoteReader(notes);
        while (reader.TryReadNext(out ElfNote note))
        {
            if (note.Type == VariantType && note.Name.SequenceEqual(OwnerName))
            {
                ReadOnlySpan<byte> text = note.DescriptorString;
                if (!global::System.Text.Unicode.Utf8.IsValid(text))
                {
                    variant = "";
                    error = "the XenServer note's text is not valid UTF-8";
                    return false;
                }

                variant = global::System.Text.Encoding.UTF8.GetString(text);
                error = null;
                return true;
            }
        }

        variant = "";
        error = reader.Error;
        return false;
    }
}
