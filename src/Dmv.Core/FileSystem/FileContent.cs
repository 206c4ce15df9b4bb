using System.Runtime.InteropServices;

namespace Dmv.Core.FileSystem;

/// <summary>Whole-file reads with a size bound, reporting failure as an errno and reason rather than an exception.</summary>
internal static class FileContent
{
    private const int SysfsPageBytes = 4096;

    /// <summary>
    /// Reads an open file to its end into <paramref name="buffer"/> (grown as needed, at most
    /// <paramref name="maxBytes"/>, else EFBIG), then closes it. Reads until end of file, so it works
    /// on files whose reported size is wrong, as sysfs attributes are; for a regular file or a sysfs
    /// attribute, a short read that is not a whole number of pages is its end, which saves the last read.
    /// </summary>
    public static unsafe bool ReadAll(int descriptor, int maxBytes, ref byte[] buffer, out int length, out int errno, bool regularFile = false)
    {
        length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (buffer.Length >= maxBytes)
                    {
                        errno = Errno.EFBIG;
                        return false;
                    }

                    Array.Resize(ref buffer, Math.Min(maxBytes, Math.Max(256, buffer.Length * 2)));
                }

                int wanted = buffer.Length - length;
                nint read;
                fixed (byte* target = &buffer[length])
                {
                    read = NativeMethods.Read(descriptor, target, wanted);
                }

                if (read < 0)
                {
                    errno = Marshal.GetLastPInvokeError();
                    if (errno == NativeMethods.EINTR)
                    {
                        continue;
                    }

                    return false;
                }

                length += (int)read;
                // sysfs hands over at most a page per read, so only a short read that is not a whole
                // number of pages is certainly the end.
                if (read == 0 || (regularFile && read < wanted && read % SysfsPageBytes != 0))
                {
                    errno = 0;
                    return true;
                }
            }
        }
        finally
        {
            NativeMethods.Close(descriptor);
        }
    }
}
