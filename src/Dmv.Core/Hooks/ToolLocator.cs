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
