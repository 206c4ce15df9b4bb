using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Modules;

namespace Dmv.Core.Links;

/// <summary>
/// The module files of one variant folder, found at any depth (links are not followed), except in
/// a sub-folder with an info.json of its own: that is another variant, with its own modules.
/// </summary>
internal static class VariantModules
{
    /// <summary>Module file name → path relative to the variant folder; the folder and all below it opened by descriptor, never through a link.</summary>
    public static bool TryFind(HostRoot root, string realVariantDirectory, out SortedDictionary<string, string> modules, [NotNullWhen(false)] out Failure? failure)
    {
        modules = new SortedDictionary<string, string>(StringComparer.Ordinal);
        failure = null;
        if (!root.TryOpenDirectory(root.HostPathOf(realVariantDirectory), create: false, out DirectoryHandle top, out failure))
        {
            return false;
        }

        using (top)
        {
            return Walk(top, "", realVariantDirectory, modules, new byte[16 * 1024], 0, out failure);
        }
    }

    private const int MaxDepth = 64;

    private static bool Walk(DirectoryHandle folder, string relative, string realVariantDirectory, SortedDictionary<string, string> modules, byte[] buffer, int depth, out Failure? failure)
    {
        failure = null;
        var entries = new List<DirectoryEntry>();
        if (!folder.TryList(entries, buffer, out int errno))
        {
            failure = new Failure(errno, $"{folder.RealPath}: {Errno.Describe(errno)}");
            return false;
        }

        if (relative.Length != 0 && entries.Any(static e => e.Name == Catalog.CatalogScanner.InfoFileName))
        {
            return true;
        }

        entries.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (DirectoryEntry entry in entries)
        {
            string path = relative.Length == 0 ? entry.Name : relative + "/" + entry.Name;
            if (!entry.NameIsValid)
            {
                continue;
            }

            if (entry.Kind == EntryKind.Directory)
            {
                if (depth >= MaxDepth || !folder.TryOpenChild(entry.Name, out DirectoryHandle child, out errno))
                {
                    failure = new Failure(depth >= MaxDepth ? Errno.ELOOP : errno, $"{folder.RealPath}/{entry.Name}: {(depth >= MaxDepth ? $"more than {MaxDepth} folders deep" : Errno.Describe(errno))}");
                    return false;
                }

                using (child)
                {
                    if (!Walk(child, path, realVariantDirectory, modules, buffer, depth + 1, out failure))
                    {
                        return false;
                    }
                }
            }
            else if (entry.Kind == EntryKind.Special && ModuleName.IsModuleFile(entry.Name))
            {
                // Whatever the options: a device or FIFO linked as a module is read by modprobe and the initrd build.
                failure = new Failure(Errno.EINVAL, $"{folder.RealPath}/{entry.Name}: not a regular file (a FIFO, socket or device); a module must be a regular file");
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

        return true;
    }
}
