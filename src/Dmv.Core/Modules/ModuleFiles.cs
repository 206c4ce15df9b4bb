using Dmv.Core.FileSystem;

namespace Dmv.Core.Modules;

/// <summary>
/// The module files (and links to them) below a kernel's module folder, found with getdents
/// through the file-system door: folders reached through a link are not entered, unreadable ones
/// are passed over, and the named folders (dmv/, updates/) are skipped at any depth.
/// </summary>
public static class ModuleFiles
{
    public static IEnumerable<string> Under(string realDirectory, IReadOnlySet<string> skippedFolders)
    {
        var pending = new Stack<string>();
        pending.Push(realDirectory);
        var entries = new List<DirectoryEntry>();
        while (pending.Count > 0)
        {
            string directory = pending.Pop();
            entries.Clear();
            if (!DirectoryReader.TryList(directory, entries, out _, out _))
            {
                continue;
            }

            foreach (DirectoryEntry entry in entries)
            {
                if (!entry.NameIsValid)
                {
                    continue;
                }

                if (entry.Kind == EntryKind.Directory)
                {
                    if (!skippedFolders.Contains(entry.Name))
                    {
                        pending.Push(directory + "/" + entry.Name);
                    }
                }
                else if (entry.Kind is EntryKind.File or EntryKind.Link && ModuleName.IsModuleFile(entry.Name))
                {
                    yield return directory + "/" + entry.Name;
                }
            }
        }
    }
}
