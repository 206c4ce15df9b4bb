using System.Runtime.InteropServices;

namespace Dmv.Core.FileSystem;

/// <summary>A whole file mapped read-only: its bytes as a span, without a copy, until disposed.</summary>
public sealed unsafe class MappedFile : IDisposable
{
    private const int PROT_READ = 1;
    private const int MAP_PRIVATE = 2;
    private const int SEEK_END = 2;
    private void* _address;
    private readonly nuint _length;

    private MappedFile(void* address, nuint length)
    {
        _address = address;
        _length = length;
    }

    public ReadOnlySpan<byte> Span => _address == null ? ReadOnlySpan<byte>.Empty : new ReadOnlySpan<byte>(_address, (int)_length);

    public int Length => (int)_length;

    public static bool TryOpen(string realPath, long maxBytes, out MappedFile? file, out int errno)
    {
        file = null;
        int descriptor = NativePath.Open(realPath, NativeMethods.O_RDONLY | NativeMethods.O_CLOEXEC, out errno);
        if (descriptor < 0)
        {
            return false;
        }

        try
        {
            long length = NativeMethods.Seek(descriptor, 0, SEEK_END);
            if (length < 0)
            {
                errno = Marshal.GetLastPInvokeError();
                return false;
            }

            if (length > maxBytes || length > int.MaxValue)
            {
                errno = Errno.EFBIG;
                return false;
            }

            if (length == 0)
            {
                file = new MappedFile(null, 0);
                errno = 0;
                return true;
            }

            void* address = NativeMethods.Map(null, (nuint)length, PROT_READ, MAP_PRIVATE, descriptor, 0);
            if (address == (void*)-1)
            {
                errno = Marshal.GetLastPInvokeError();
                return false;
            }

            file = new MappedFile(address, (nuint)length);
            errno = 0;
            return true;
        }
        finally
        {
            NativeMethods.Close(descriptor);
        }
    }

    public void Dispose()
    {
        if (_address != null)
        {
            NativeMethods.Unmap(_address, _length);
            _address = null;
        }
    }
}
