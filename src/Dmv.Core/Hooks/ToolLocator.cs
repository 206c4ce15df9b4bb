using Dmv.Core.FileSystem;

namespace Dmv.Core.Hooks;

/// <summary>
/// Finds the programs the hooks run (depmod, weak-modules, dracut, chroot) in the fixed system
/// folders, never through PATH: driver-tool runs as root, often with a caller's environment, and
/// must run the system's depmod, not whatever a PATH entry offers.
/// </summary>
internal static class ToolLocator
{
    public static readonly string[] SystemFolders = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>Where this machine's tools are looked for.</summary>
    public static IReadOnlyList<string> HostFolders => TestFolder() is string test ? [test, .. SystemFolders] : SystemFolders;

    /// <summary>The first executable file named <paramref name="name"/> in <paramref name="folders"/> of this machine.</summary>
    public static string? Find(string name, IReadOnlyList<string> folders) => Find(name, folders, HostRoot.OpenRunningSystem());

    /// <summary>The managed system's own program (a host path, for running it chrooted into the root); never a test folder's.</summary>
    public static string? FindInTarget(string name, HostRoot root) => TestFolder() is null ? Find(name, SystemFolders, root) : null;

    private static string? Find(string name, IReadOnlyList<string> folders, HostRoot root)
    {
        const uint AnyExecute = 0x49; // 0111
        foreach (string folder in folders)
        {
            string path = folder + "/" + name;
            if (root.TryStatus(path, out FileStatus status, out _) && status.IsRegular && (status.Permissions & AnyExecute) != 0)
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>The test build's stand-in tools (DRIVER_TOOL_TEST_HOOK_FOLDER); the shipped build has none.</summary>
    private static string? TestFolder()
    {
#if TEST_SEAMS
        return Environment.GetEnvironmentVariable("DRIVER_TOOL_TEST_HOOK_FOLDER") is { Length: > 1 } folder && folder.StartsWith('/') ? folder : null;
#else
        return null;
#endif
    }
}
