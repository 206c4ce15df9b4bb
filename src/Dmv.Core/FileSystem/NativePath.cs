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
}
