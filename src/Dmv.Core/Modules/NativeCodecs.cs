using Dmv.Core.FileSystem;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Dmv.Core.Modules;

/// <summary>
/// Decompresses whole modules: gzip through the framework, xz and zstd through the system's
/// liblzma and libzstd (the libraries kmod itself uses), loaded when first needed. A missing
/// library is an error for the files that need it, not for the run.
/// </summary>
internal sealed unsafe class NativeCodecs : IDisposable
{
    private const int MaxModuleBytes = 512 << 20;
    private readonly object _gate = new();
    private nint _lzma;
    private nint _zstd;
    private bool _lzmaTried;
    private bool _zstdTried;

    /// <param name="errno">On failure: ELIBACC when the library the compression needs is not installed, else ENOEXEC.</param>
    public bool TryDecompress(Compression compression, ReadOnlySpan<byte> data, out byte[] module, out string error, out int errno)
    {
        errno = 0;
        bool done = compression switch
        {
            Compression.Gzip => TryGunzip(data, out module, out error),
            Compression.Xz => TryUnxz(data, out module, out error, out errno),
            Compression.Zstd => TryUnzstd(data, out module, out error, out errno),
            _ => Copy(data, out module, out error),
        };
        errno = done ? 0 : errno != 0 ? errno : Errno.ENOEXEC;
        return done;
    }

    /// <summary>The message for a module that needs a library this system lacks: what to install, in the words of the packages.</summary>
    private static string Missing(string library, string compression) =>
        $"{library} is not installed ({compression}-compressed modules need it)";

    /// <summary>
    /// gzip through the framework, into one array of the size the trailer declares (ISIZE): memory
    /// is what the module needs, not a doubling stream's worst case, and a stream that would expand
    /// past its declared size is corrupt (or hostile) and stops there.
    /// </summary>
    public static bool TryGunzip(ReadOnlySpan<byte> data, out byte[] module, out string error)
    {
        module = [];
        if (data.Length < 18)
        {
            error = "gzip data is truncated";
            return false;
        }

        uint declared = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(data[^4..]);
        if (declared > MaxModuleBytes)
        {
            error = $"gzip data declares {declared} bytes, more than a module may have ({MaxModuleBytes >> 20} MiB)";
            return false;
        }

        try
        {
            byte[] output = new byte[declared];
            int total = 0;
            fixed (byte* compressed = data)
            {
                using var input = new UnmanagedMemoryStream(compressed, data.Length);
                using var gzip = new GZipStream(input, CompressionMode.Decompress);
                int read;
                while (total < output.Length && (read = gzip.Read(output, total, output.Length - total)) > 0)
                {
                    total += read;
                }

                Span<byte> beyond = stackalloc byte[1];
                if (total != output.Length || gzip.Read(beyond) != 0)
                {
                    error = "gzip data does not expand to the size its trailer declares";
                    return false;
                }
            }

            module = output;
            error = "";
            return true;
        }
        catch (Exception failure) when (failure is InvalidDataException or IOException)
        {
            error = failure is InvalidDataException ? "gzip data is corrupt" : $"gzip data cannot be read ({Errno.Describe(FileErrors.ErrnoOf(failure))})";
            return false;
        }
    }

    /// <summary>
    /// xz into one array of the size the stream's index declares (as gzip's trailer): a truncated or
    /// corrupt stream has no index to read and is refused before any memory is taken for it.
    /// </summary>
    private bool TryUnxz(ReadOnlySpan<byte> data, out byte[] module, out string error, out int errno)
    {
        module = [];
        errno = 0;
        nint library = Library(ref _lzma, ref _lzmaTried, "liblzma.so.5");
        if (library == 0 || !NativeLibrary.TryGetExport(library, "lzma_stream_buffer_decode", out nint decode))
        {
            error = Missing("liblzma.so.5", "xz");
            errno = Errno.ELIBACC;
            return false;
        }

        if (!XzIndex.TryUncompressedSize(data, out long declared, out int streamLength))
        {
            error = "xz data is truncated or corrupt (no stream index)";
            return false;
        }

        if (declared > MaxModuleBytes)
        {
            error = $"xz data declares {declared} bytes, more than a module may have ({MaxModuleBytes >> 20} MiB)";
            return false;
        }

        var call = (delegate* unmanaged<ulong*, uint, void*, byte*, nuint*, nuint, byte*, nuint*, nuint, int>)decode;
        byte[] output = new byte[declared];
        ulong memoryLimit = ulong.MaxValue;
        nuint inPosition = 0, outPosition = 0;
        int result;
        fixed (byte* input = data)
        fixed (byte* target = output)
        {
            result = call(&memoryLimit, 0, null, input, &inPosition, (nuint)streamLength, target, &outPosition, (nuint)output.Length);
        }

        if (result != 0 || outPosition != (nuint)output.Length)
        {
            error = result == 0 ? "xz data does not expand to the size its index declares" : $"xz data is corrupt (liblzma error {result})";
            return false;
        }

        module = output;
        error = "";
        return true;
    }

    private bool TryUnzstd(ReadOnlySpan<byte> data, out byte[] module, out string error, out int errno)
    {
        module = [];
        errno = 0;
        nint library = Library(ref _zstd, ref _zstdTried, "libzstd.so.1");
        if (library == 0
            || !NativeLibrary.TryGetExport(library, "ZSTD_decompress", out nint decompress)
            || !NativeLibrary.TryGetExport(library, "ZSTD_isError", out nint isError)
            || !NativeLibrary.TryGetExport(library, "ZSTD_getFrameContentSize", out nint contentSize))
        {
            error = Missing("libzstd.so.1", "zstd");
            errno = Errno.ELIBACC;
            return false;
        }

        var size = (delegate* unmanaged<byte*, nuint, ulong>)contentSize;
        var run = (delegate* unmanaged<byte*, nuint, byte*, nuint, nuint>)decompress;
        var failed = (delegate* unmanaged<nuint, uint>)isError;

        // Only the frame itself: a kernel image appends the uncompressed size after it, which zstd takes for a broken frame.
        if (NativeLibrary.TryGetExport(library, "ZSTD_findFrameCompressedSize", out nint frameSize))
        {
            nuint frame;
            fixed (byte* input = data)
            {
                frame = ((delegate* unmanaged<byte*, nuint, nuint>)frameSize)(input, (nuint)data.Length);
            }

            if (failed(frame) == 0 && frame <= (nuint)data.Length)
            {
                data = data[..(int)frame];
            }
        }

        ulong declared;
        fixed (byte* input = data)
        {
            declared = size(input, (nuint)data.Length);
        }

        // A frame declares its size (zstd writes it unless told not to): more than a module may have is
        // refused before any memory is taken for it, as for gzip and xz. One that declares none is
        // first expanded into a scratch buffer only to count it, stopping at the limit, then once more
        // into an array of exactly that size: memory is the module's, never a doubling guess's.
        const ulong Unknown = ulong.MaxValue;
        const ulong Unreadable = ulong.MaxValue - 1;
        if (declared == Unreadable)
        {
            error = "zstd data is corrupt (no readable frame header)";
            return false;
        }

        if (declared != Unknown && declared > (ulong)MaxModuleBytes)
        {
            error = $"zstd data declares {declared} bytes, more than a module may have ({MaxModuleBytes >> 20} MiB)";
            return false;
        }

        error = "";
        long expected = declared != Unknown ? (long)declared : CountZstd(library, data, failed, out error);
        if (expected < 0)
        {
            return false;
        }

        byte[] output = new byte[expected];
        nuint result;
        fixed (byte* input = data)
        fixed (byte* target = output)
        {
            result = run(target, (nuint)output.Length, input, (nuint)data.Length);
        }

        if (failed(result) != 0 || result != (nuint)output.Length)
        {
            error = failed(result) == 0 ? "zstd data does not expand to the size its frame declares" : "zstd data is corrupt";
            return false;
        }

        module = output;
        error = "";
        return true;
    }

    /// <summary>The size a zstd frame without a declared size expands to, counted through a 1 MiB scratch buffer; -1 past the limit or when corrupt.</summary>
    private static long CountZstd(nint library, ReadOnlySpan<byte> data, delegate* unmanaged<nuint, uint> failed, out string error)
    {
        error = "zstd data is corrupt";
        if (!NativeLibrary.TryGetExport(library, "ZSTD_createDCtx", out nint create)
            || !NativeLibrary.TryGetExport(library, "ZSTD_freeDCtx", out nint free)
            || !NativeLibrary.TryGetExport(library, "ZSTD_decompressStream", out nint stream))
        {
            error = "zstd data declares no size, and this libzstd cannot stream";
            return -1;
        }

        nint context = ((delegate* unmanaged<nint>)create)();
        if (context == 0)
        {
            return -1;
        }

        byte[] scratch = new byte[1 << 20];
        long total = 0;
        try
        {
            fixed (byte* input = data)
            fixed (byte* target = scratch)
            {
                var source = new ZstdBuffer { Data = input, Size = (nuint)data.Length };
                while (true)
                {
                    var sink = new ZstdBuffer { Data = target, Size = (nuint)scratch.Length };
                    nuint left = ((delegate* unmanaged<nint, ZstdBuffer*, ZstdBuffer*, nuint>)stream)(context, &sink, &source);
                    if (failed(left) != 0)
                    {
                        return -1;
                    }

                    total += (long)sink.Position;
                    if (total > MaxModuleBytes)
                    {
                        error = $"zstd data expands past {MaxModuleBytes >> 20} MiB";
                        return -1;
                    }

                    if (left == 0)
                    {
                        return total;
                    }

                    if (sink.Position == 0 && source.Position == source.Size)
                    {
                        error = "zstd data is truncated";
                        return -1;
                    }
                }
            }
        }
        finally
        {
            ((delegate* unmanaged<nint, nuint>)free)(context);
        }
    }

    /// <summary>ZSTD_inBuffer and ZSTD_outBuffer: the data, its size, and how far zstd got.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ZstdBuffer
    {
        public byte* Data;
        public nuint Size;
        public nuint Position;
    }

    private static bool Copy(ReadOnlySpan<byte> data, out byte[] module, out string error)
    {
        module = data.ToArray();
        error = "";
        return true;
    }

    private nint Library(ref nint handle, ref bool tried, string name)
    {
        lock (_gate)
        {
            if (!tried)
            {
                tried = true;
                NativeLibrary.TryLoad(name, out handle);
            }

            return handle;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_lzma != 0)
            {
                NativeLibrary.Free(_lzma);
                _lzma = 0;
            }

            if (_zstd != 0)
            {
                NativeLibrary.Free(_zstd);
                _zstd = 0;
            }
        }
    }
}
