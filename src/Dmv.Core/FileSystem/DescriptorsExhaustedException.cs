namespace Dmv.Core.FileSystem;

/// <summary>
/// The process (EMFILE) or the system (ENFILE) ran out of file descriptors. That is no problem of
/// one file: every later open fails too, and a listing that went on, warning per file, would be
/// silently shorter — xapi would see drivers vanish, auto-select would plan over them. So it ends
/// the command, whatever it was doing, with one line and that errno.
/// </summary>
internal sealed class DescriptorsExhaustedException : IOException
{
    public DescriptorsExhaustedException(string path, int errno)
        : base($"{path}: {Errno.Describe(errno)}: the limit on open files (ulimit -n) is too low for driver-tool to read this tree")
    {
        HResult = errno;
    }

    /// <summary>Throws when <paramref name="errno"/> says the descriptors ran out; otherwise returns.</summary>
    public static void ThrowIfExhausted(int errno, string path)
    {
        if (errno is Errno.EMFILE or Errno.ENFILE)
        {
            throw new DescriptorsExhaustedException(path, errno);
        }
    }
}
