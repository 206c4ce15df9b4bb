namespace Dmv.Core.Elf;

/// <summary>
/// The sections of a module driver-tool reads, named once: what the inspector parses, and what the
/// sparse read fetches from the file (<see cref="ElfReader.WantedRanges"/>).
/// </summary>
internal static class ModuleSections
{
    public static ReadOnlySpan<byte> ModInfo => ".modinfo"u8;

    public static ReadOnlySpan<byte> Versions => "__versions"u8;

    public static ReadOnlySpan<byte> ExportedSymbols => "__ksymtab_strings"u8;

    /// <summary>Whether a report reads this section: every note, .modinfo, __versions, and the exported symbols when asked for.</summary>
    public static bool Reported(uint type, ReadOnlySpan<byte> name, bool symbols) =>
        type == ElfLayout.SectionNote || name.SequenceEqual(ModInfo) || name.SequenceEqual(Versions) || (symbols && name.SequenceEqual(ExportedSymbols));
}
