using Dmv.Core.Diagnostics;

namespace Dmv.Core.FileSystem;

/// <summary>One name in a directory. <see cref="NameIsValid"/> is false when the name is not UTF-8 and so cannot be opened by name.</summary>
internal readonly record struct DirectoryEntry(string Name, EntryKind Kind, bool NameIsValid)
{
    /// <summary>
    /// The one rule for names that are not UTF-8: such an entry can be neither opened by name nor
    /// named in a reply, so every walk warns about it (in <paramref name="folder"/>) and skips it.
    /// </summary>
    public bool IsUsable(string? folder, DiagnosticLog log)
    {
        if (!NameIsValid)
        {
            log.Warn(folder + "/" + Name, "name is not valid UTF-8; skipped");
        }

        return NameIsValid;
    }
}
