using Dmv.Core.FileSystem;

namespace Dmv.Core.Kernels;

/// <summary>Which kernel release is running, as <c>uname -r</c> says.</summary>
internal static class RunningKernel
{
    private const string OsReleasePath = "/proc/sys/kernel/osrelease";

    /// <summary>
    /// The running release for the system root; for another root (an installer's target, a test
    /// tree) no kernel of it is running unless the caller says which.
    /// </summary>
    public static string? Detect(HostRoot root, string? declared)
    {
        if (declared is not null)
        {
            return declared;
        }

        if (!root.IsSystemRoot)
        {
            return null;
        }

        byte[] buffer = new byte[128];
        if (!root.TryReadAttribute(OsReleasePath, 4096, ref buffer, out int length, out _))
        {
            return null;
        }

        string release = System.Text.Encoding.UTF8.GetString(buffer, 0, length).Trim();
        return release.Length == 0 ? null : release;
    }
}
