using Dmv.Core.FileSystem;

namespace Dmv.Core.Hooks;

/// <summary>
/// Finds the programs the hooks run (depmod, weak-modules, dracut, chroot) in the fixed system
/// folders, never through PATH: driver-tool runs as root, often with a caller's environment, and
/// must run the system's depmod, not whatever a PATH entry offers.
/// </summary>
public static class ToolLocator
{
    public static readonly string[] SystemFolders = ["/usr/sbin", "/sbin", "/usr/bin", "/bin"];

    /// <summary>Test-only: a folder searched before the system folders, so tests can stand in a failing depmod.</summary>
    public const string TestFolderVariable = "DRIVER_TOOL_TEST_HOOK_FOLDER";

    /// <summary>The system folders, after the test folder when one is given (absolute paths only).</summary>
    public static IReadOnlyList<string> SearchPath(string? testFolder) =>
        testFolder is { Length: > 1 } && testFolder.StartsWith('/') ? [testFolder, .. SystemFolders] : SystemFolders;

    /// <summary>
    /// The first executable file named <paramref name="name"/>: on this machine, or with
    /// <paramref name="within"/> in that managed system (resolved inside its root). The path is
    /// returned as the system names it, below the root's real path.
    /// </summary>
    public static string? Find(string name, IReadOnlyList<string> folders, HostRoot? within = null)
    {
        const uint AnyExecute = 0x49; // 0111
        foreach (string folder in folders)
        {
            string path = folder + "/" + name;
            string? real = within is null ? path : within.Resolve(path).RealPath;
            if (real is not null && FileStatus.Of(real, out FileStatus status) == 0 && status.IsRegular && (status.Permissions & AnyExecute) != 0)
            {
                return within is null ? path : within.RealPathOf(path);
            }
        }

        return null;
    }
}
