namespace Dmv.Core.FileSystem;

/// <summary>
/// Descriptors 0, 1 and 2 must be open before anything else is: a caller that closed standard
/// output would otherwise see the first file driver-tool opens become descriptor 1 — and a reply
/// written into the lock file or a module. A closed one is put back as /dev/null opened read-only,
/// so writing the reply fails with EBADF and is reported, instead of going somewhere unseen.
/// </summary>
internal static class StandardDescriptors
{
    private const int F_GETFD = 1;

    /// <summary>Whether the descriptor is a terminal (a person reads it), not a pipe or a file.</summary>
    public static bool IsTerminal(int descriptor) => NativeMethods.IsTerminal(descriptor) == 1;

    public static unsafe void EnsureOpen()
    {
        for (int descriptor = 0; descriptor <= 2; descriptor++)
        {
            if (NativeMethods.ControlDescriptor(descriptor, F_GETFD, 0) >= 0)
            {
                continue;
            }

            int opened = NativePath.Open("/dev/null", NativeMethods.O_RDONLY, out _);
            if (opened >= 0 && opened != descriptor)
            {
                NativeMethods.DuplicateTo(opened, descriptor);
                NativeMethods.Close(opened);
            }
        }
    }
}
