using Dmv.Core.FileSystem;

namespace Dmv.Core.Modules;

/// <summary>
/// The module files (and links to them) below a kernel's module folder, found with getdents on
/// folders opened one name at a time from their parent's descriptor with O_NOFOLLOW: a folder
/// swapped for a link during the walk is not entered, so the walk cannot be led out of the root.
/// Unreadable folders are passed over, and the named folders (dmv/, updates/) are skipped at any
/// depth. Paths are returned as the managed system names them (host paths); a link found is
/// returned as the path of the link, to be opened through the root like any other.
/// </summary>
internal static class ModuleFiles
{
    // Module trees are a handful of folders deep; the bound keeps a hostile tree from holding a
    // descriptor per level until the process runs out.
    private const int MaxDepth = 64;

    public static List<string> Under(HostRoot root, string hostDirectory, IReadOnlySet<string> skippedFolders)
    {
        var found = new List<string>();
        if (root.TryOpenDirectory(hostDirectory, create: false, out DirectoryHandle top, out _))
        {
            using (top)
            {
                Walk(top, hostDirectory, skippedFolders, new byte[16 * 1024], found, 0);
            }
        }

        return found;
    }

    private static void Walk(DirectoryHandle folder, string hostFolder, IReadOnlySet<string> skippedFolders, byte[] buffer, List<string> found, int depth)
    {
        var entries = new List<DirectoryEntry>();
        if (!folder.TryList(entries, buffer, out _))
        {
            return;
        }

        foreach (DirectoryEntry entry in entries)
        {
            if (!entry.NameIsValid)
            {
                continue;
            }

            if (entry.Kind == EntryKind.Directory)
            {
                if (depth < MaxDepth && !skippedFolders.Contains(entry.Name) && folder.TryOpenChild(entry.Name, out DirectoryHandle child, out _))
                {
                    using (child)
                    {
                        Walk(child, hostFolder + "/" + entry.Name, skippedFolders, buffer, found, depth + 1);
                    }
                }
            }
            else if (entry.Kind is EntryKind.File or EntryKind.Link && ModuleName.IsModuleFile(entry.Name))
            {
                found.Add(hostFolder + "/" + entry.Name);
            }
        }
    }
}
