using Microsoft.Win32.SafeHandles;

namespace Dmv.Core.FileSystem;

/// <summary>Whole-file reads with a size bound, reporting failure as an errno and reason rather than an exception.</summary>
public static class FileContent
{
    /// <summary>
    /// Reads a file into <paramref name="buffer"/> (grown as needed, at most <paramref name="maxBytes"/>).
    /// Works on files whose reported size is wrong, as sysfs attributes are.
    /// </summary>
    public static bool TryRead(string realPath, int maxBytes, ref byte[] buffer, out int length, out int errno, out string reason)
    {
        length = 0;
        try
        {
            using SafeFileHandle handle = File.OpenHandle(realPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= maxBytes)
                    {
                        errno = Errno.EFBIG;
                        reason = $"larger than {maxBytes} bytes";
                        return false;
                    }

                    Array.Resize(ref buffer, Math.Min(maxBytes, Math.Max(256, buffer.Length * 2)));
                }

                int read = RandomAccess.Read(handle, buffer.AsSpan(length), length);
                if (read == 0)
                {
                    break;
                }

                length += read;
            }

            errno = 0;
            reason = "";
            return true;
        }
        catch (Exception error) when (error is IOException or UnauthorizedAccessException)
        {
            errno = FileErrors.ErrnoOf(error);
            reason = Errno.Describe(errno);
            return false;
        }
    }
}
