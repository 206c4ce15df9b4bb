using System.Buffers;

namespace Dmv.Core.FileSystem;

/// <summary>Lists one directory by path without following links, reporting failure as an errno and reason rather than an exception.</summary>
public static class DirectoryReader
{
    /// <summary>Appends the entries of <paramref name="realDirectory"/> to <paramref name="entries"/>.</summary>
    public static bool TryList(string realDirectory, List<DirectoryEntry> entries, out int errno, out string reason)
    {
        reason = "";
        if (!DirectoryHandle.TryOpen(realDirectory, out DirectoryHandle handle, out errno))
        {
            reason = Errno.Describe(errno);
            return false;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            if (!handle.TryList(entries, buffer, out errno))
            {
                reason = Errno.Describe(errno);
                return false;
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            handle.Dispose();
        }
    }
}
