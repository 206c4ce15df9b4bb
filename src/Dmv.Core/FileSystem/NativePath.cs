using System.Text;

namespace Dmv.Core.FileSystem;

/// <summary>A path as the NUL-terminated UTF-8 bytes libc takes, on the stack when short.</summary>
internal ref struct NativePath
{
    private const int StackLimit = 512;

    public static int BufferSize(ReadOnlySpan<char> path) => Encoding.UTF8.GetByteCount(path) + 1;

    public static bool FitsOnStack(int size) => size <= StackLimit;

    public static void Encode(ReadOnlySpan<char> path, Span<byte> destination)
    {
        int written = Encoding.UTF8.GetBytes(path, destination);
        destination[written] = 0;
    }

    /// <summary>The NUL-terminated bytes on the heap: for the rare calls (writes) where a few bytes of garbage cost nothing.</summary>
    public static byte[] ToBytes(ReadOnlySpan<char> path)
    {
        byte[] bytes = new byte[BufferSize(path)];
        Encode(path, bytes);
        return bytes;
    }

    /// <summary>
    /// open(2) of a real path with O_NONBLOCK, so a FIFO in a file's place never waits for a writer
    /// (unless <paramref name="blocking"/>: an input the caller named, such as a pipe): the descriptor, or -1 with the errno.
    /// </summary>
    public static unsafe int Open(string realPath, int flags, out int errno, bool blocking = false)
    {
        int size = BufferSize(realPath);
        Span<byte> path = FitsOnStack(size) ? stackalloc byte[size] : new byte[size];
        Encode(realPath, path);
        fixed (byte* name = path)
        {
            int descriptor = NativeMethods.Open(name, blocking ? flags : flags | NativeMethods.O_NONBLOCK);
            errno = descriptor < 0 ? System.Runtime.InteropServices.Marshal.GetLastPInvokeError() : 0;
            DescriptorsExhaustedException.ThrowIfExhausted(errno, realPath);
            return descriptor;
        }
    }
}
