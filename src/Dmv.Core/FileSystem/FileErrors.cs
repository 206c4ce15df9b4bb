namespace Dmv.Core.FileSystem;

/// <summary>Maps the runtime's I/O exceptions back to the errno the system reported.</summary>
internal static class FileErrors
{
    public static int ErrnoOf(Exception error) => error switch
    {
        UnauthorizedAccessException => Errno.EACCES,
        FileNotFoundException => Errno.ENOENT,
        DirectoryNotFoundException => Errno.ENOENT,
        PathTooLongException => Errno.ENAMETOOLONG,
        // On Unix the runtime stores the raw errno in HResult for plain IOExceptions.
        IOException io when io.HResult > 0 && io.HResult < 4096 => io.HResult,
        _ => Errno.EIO,
    };
}
