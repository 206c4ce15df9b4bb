using System.IO.Enumeration;

namespace Dmv.Core.FileSystem;

/// <summary>Lists one directory without following links, reporting failure as an errno and reason rather than an exception.</summary>
public static class DirectoryReader
{
    private static readonly EnumerationOptions Options = new()
    {
        RecurseSubdirectories = false,
        IgnoreInaccessible = false,
        AttributesToSkip = 0,
        ReturnSpecialDirectories = false,
    };

    /// <summary>Appends the entries of <paramref name="realDirectory"/> to <paramref name="entries"/>.</summary>
    public static bool TryList(string realDirectory, List<DirectoryEntry> entries, out int errno, out string reason)
    {
        try
        {
            var enumerable = new FileSystemEnumerable<DirectoryEntry>(realDirectory, Describe, Options);
            foreach (DirectoryEntry entry in enumerable)
            {
                entries.Add(entry);
            }

            errno = 0;
            reason = "";
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            errno = FileErrors.ErrnoOf(error);
            reason = Errno.Describe(errno);
            return false;
        }
    }

    private static DirectoryEntry Describe(ref FileSystemEntry entry)
    {
        string name = entry.FileName.ToString();
        EntryKind kind = (entry.Attributes & FileAttributes.ReparsePoint) != 0
            ? EntryKind.Link
            : entry.IsDirectory ? EntryKind.Directory : EntryKind.File;
        // The runtime decodes names as UTF-8 and substitutes U+FFFD for bytes that are not; such a name cannot be reopened.
        bool valid = name.IndexOf('\uFFFD') < 0;
        return new DirectoryEntry(name, kind, valid);
    }
}
