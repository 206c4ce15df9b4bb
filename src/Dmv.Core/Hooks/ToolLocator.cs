namespace Dmv.Core.Hooks;

/// <summary>Finds an executable by name in the given folders (PATH plus the sbin folders), never assuming where it lives.</summary>
public static class ToolLocator
{
    public static readonly string[] SystemFolders = ["/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/sbin", "/usr/local/bin"];

    public static IReadOnlyList<string> SearchPath(string? pathVariable)
    {
        var folders = new List<string>();
        foreach (string folder in (pathVariable ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Concat(SystemFolders))
        {
            if (folder.StartsWith('/') && !folders.Contains(folder))
            {
                folders.Add(folder);
            }
        }

        return folders;
    }

    /// <summary>The first executable file named <paramref name="name"/>, looked up below <paramref name="prefix"/> ("" for this machine).</summary>
    public static string? Find(string name, IReadOnlyList<string> folders, string prefix = "")
    {
        foreach (string folder in folders)
        {
            string candidate = prefix + folder + "/" + name;
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0)
            {
                return candidate;
            }
        }

        return null;
    }
}
