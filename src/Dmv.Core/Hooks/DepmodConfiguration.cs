using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Hooks;

/// <summary>
/// The managed system's depmod configuration (depmod.d folders, as kmod reads them). DMV needs
/// <c>exclude dmv</c> in it: otherwise depmod indexes the variants under dmv/ as ordinary modules and
/// can resolve a driver with no selection to one of them instead of the in-tree module.
/// </summary>
internal static class DepmodConfiguration
{
    public static readonly string[] Folders = ["/etc/depmod.d", "/run/depmod.d", "/usr/local/lib/depmod.d", "/usr/lib/depmod.d", "/lib/depmod.d"];

    /// <summary>Where --repair writes the exclusion, the file the package installs.</summary>
    public const string SnippetPath = "/etc/depmod.d/driver-tool.conf";

    public const string Snippet = "# Written by driver-tool: the variants under dmv/ must not be indexed as modules.\nexclude dmv\n";

    /// <summary>The configuration folders the system has, as host paths (a linked /lib counted once), each a folder inside the root.</summary>
    public static List<string> ExistingFolders(HostRoot root)
    {
        var folders = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string folder in Folders)
        {
            PathResolution resolved = root.Resolve(folder);
            if (resolved.Succeeded && root.TryStatus(folder, out FileStatus status, out _) && status.Kind == EntryKind.Directory && seen.Add(resolved.RealPath))
            {
                folders.Add(folder);
            }
        }

        return folders;
    }

    /// <summary>True when some *.conf file of the system's depmod.d folders has "exclude dmv" (each read through the root, regular files only).</summary>
    public static bool ExcludesDmv(HostRoot root)
    {
        foreach (string folder in ExistingFolders(root))
        {
            var entries = new List<DirectoryEntry>();
            if (!root.TryList(folder, entries, out _))
            {
                continue;
            }

            foreach (DirectoryEntry entry in entries.Where(e => e.NameIsValid && e.Name.EndsWith(".conf", StringComparison.Ordinal)))
            {
                byte[] buffer = new byte[4096];
                if (root.TryReadFile(folder + "/" + entry.Name, 1 << 20, ref buffer, out int length, out _)
                    && HasExclusion(System.Text.Encoding.UTF8.GetString(buffer, 0, length)))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>The -C arguments that make depmod -b read the managed system's configuration rather than this machine's (real paths: depmod runs outside the root).</summary>
    public static List<string> ConfigArguments(HostRoot root)
    {
        var arguments = new List<string>();
        List<string> folders = ExistingFolders(root);
        // A system without any depmod.d has an empty configuration, not this machine's (nor one a link points at).
        if (folders.Count == 0)
        {
            return ["-C", "/dev/null"];
        }

        foreach (string folder in folders)
        {
            arguments.Add("-C");
            arguments.Add(root.Resolve(folder).RealPath ?? root.RealPathOf(folder));
        }

        return arguments;
    }

    /// <summary>
    /// A configuration line that makes depmod read a folder it names itself (<c>external</c>): this
    /// machine's depmod -b reads it as it stands, outside the root. Null when there is none.
    /// </summary>
    public static string? OutsideReference(HostRoot root)
    {
        foreach (string folder in ExistingFolders(root))
        {
            var entries = new List<DirectoryEntry>();
            if (!root.TryList(folder, entries, out _))
            {
                continue;
            }

            foreach (DirectoryEntry entry in entries.Where(static e => e.NameIsValid && e.Name.EndsWith(".conf", StringComparison.Ordinal)))
            {
                byte[] buffer = new byte[4096];
                string path = folder + "/" + entry.Name;
                if (!root.TryReadFile(path, 1 << 20, ref buffer, out int length, out Failure? failure))
                {
                    return $"{failure.Message}: depmod would read what driver-tool cannot check";
                }

                foreach (string line in System.Text.Encoding.UTF8.GetString(buffer, 0, length).Split('\n'))
                {
                    string[] words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                    if (words.Length > 0 && words[0] == "external")
                    {
                        return $"{root.RealPathOf(path)}: '{line.Trim()}' names folders depmod -b would read outside the root";
                    }
                }
            }
        }

        return null;
    }

    private static bool HasExclusion(string text)
    {
        foreach (string line in text.Split('\n'))
        {
            string[] words = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length >= 2 && words[0] == "exclude" && words.Skip(1).Any(w => w == "dmv"))
            {
                return true;
            }
        }

        return false;
    }
}
