using Dmv.Core.FileSystem;
using Dmv.Core.Modules;

namespace Dmv.Core.Selection;

/// <summary>
/// The module files of one variant folder, found at any depth (links are not followed), except in
/// a sub-folder with an info.json of its own: that is another variant, with its own modules.
/// </summary>
public static class VariantModules
{
    /// <summary>Module file name → path relative to the variant folder.</summary>
    public static bool TryFind(string realVariantDirectory, out SortedDictionary<string, string> modules, out Failure? failure)
    {
        modules = new SortedDictionary<string, string>(StringComparer.Ordinal);
        failure = null;
        var pending = new Stack<string>();
        pending.Push("");
        var entries = new List<DirectoryEntry>();
        while (pending.Count > 0)
        {
            string relative = pending.Pop();
            string directory = relative.Length == 0 ? realVariantDirectory : realVariantDirectory + "/" + relative;
            entries.Clear();
            if (!DirectoryReader.TryList(directory, entries, out int errno, out string reason))
            {
                failure = new Failure(errno, $"{directory}: {reason}");
                return false;
            }

            if (relative.Length != 0 && entries.Any(static e => e.Name == Catalog.CatalogScanner.InfoFileName))
            {
                continue;
            }

            foreach (DirectoryEntry entry in entries)
            {
                string path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
                if (!entry.NameIsValid)
                {
                    continue;
                }

                if (entry.Kind == EntryKind.Directory)
                {
                    pending.Push(path);
                }
                else if (entry.Kind == EntryKind.Special && ModuleName.IsModuleFile(entry.Name))
                {
                    // Whatever the options: a device or FIFO linked as a module is read by modprobe and the initrd build.
                    failure = new Failure(Errno.EINVAL, $"{directory}/{entry.Name}: not a regular file (a FIFO, socket or device); a module must be a regular file");
                    return false;
                }
                else if (entry.Kind == EntryKind.File && ModuleName.IsModuleFile(entry.Name))
                {
                    if (modules.TryGetValue(entry.Name, out string? other))
                    {
                        failure = new Failure(Errno.EINVAL, $"{realVariantDirectory}: two modules named {entry.Name} ({other} and {path}); updates/ can hold only one");
                        return false;
                    }

                    modules[entry.Name] = path;
                }
            }
        }

        return true;
    }
}
