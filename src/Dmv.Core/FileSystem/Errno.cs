namespace Dmv.Core.FileSystem;

/// <summary>The errno values driver-tool reports, as Linux x86-64 defines them.</summary>
internal static partial class Errno
{
    public const int EPERM = 1;
    public const int EINTR = 4;
    public const int EBADF = 9;
    public const int ENFILE = 23;
    public const int EMFILE = 24;
    public const int EPIPE = 32;
    public const int ENOENT = 2;
    public const int EIO = 5;
    public const int ENOEXEC = 8;
    public const int EACCES = 13;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int EFBIG = 27;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int ENAMETOOLONG = 36;
    public const int ELOOP = 40;
    public const int EXDEV = 18;
    public const int EUCLEAN = 117;
    public const int ELIBACC = 79;
    public const int EINPROGRESS = 115;
    public const int ENOTRECOVERABLE = 131;
    public const int EKEYREJECTED = 129;
    public const int EAGAIN = 11;
    public const int EOPNOTSUPP = 95;

    /// <summary>The text strerror(3) gives for the values above, so messages read like the rest of the system.</summary>
    public static string Describe(int errno) => errno switch
    {
        EPERM => "Operation not permitted",
        ENOENT => "No such file or directory",
        EIO => "Input/output error",
        ENOEXEC => "Exec format error",
        EACCES => "Permission denied",
        EBUSY => "Device or resource busy",
        EEXIST => "File exists",
        EXDEV => "Invalid cross-device link",
        ENODEV => "No such device",
        ENOTDIR => "Not a directory",
        EISDIR => "Is a directory",
        EINVAL => "Invalid argument",
        EFBIG => "File too large",
        ENOSPC => "No space left on device",
        EROFS => "Read-only file system",
        ENAMETOOLONG => "File name too long",
        ELOOP => "Too many levels of symbolic links",
        EUCLEAN => "Structure needs cleaning",
        EKEYREJECTED => "Key was rejected by service",
        ELIBACC => "Can not access a needed shared library",
        EINPROGRESS => "Operation now in progress",
        ENOTRECOVERABLE => "State not recoverable",
        _ => SystemDescription(errno),
    };

    /// <summary>strerror(3) for the values not named above (EMFILE, ENOSPC's kin …), so no message ever says "error 24".</summary>
    private static unsafe string SystemDescription(int errno)
    {
        byte* text = NativeMethods.StringOfError(errno);
        return text is null ? $"error {errno}" : new string((sbyte*)text);
    }
}
