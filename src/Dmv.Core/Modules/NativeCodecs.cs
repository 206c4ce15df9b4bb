using Dmv.Core.FileSystem;
using System.IO.Compression;
using System.Runtime.InteropServices;

namespace Dmv.Core.Modules;

/// <summary>
/// Decompresses whole modules: gzip through the framework, xz and zstd through the system's
/// liblzma and libzstd (the libraries kmod itself uses), loaded when first needed. A missing
/// library is an error for the files that need it, not for the run.
/// </summary>
public sealed unsafe class NativeCodecs : IDisposable
{
    private const int MaxModuleBytes = 512 << 20;
    private readonly object _gate = new();
    private nint _lzma;
    private nint _zstd;
    private bool _lzmaTried;
    private bool _zstdTried;

    /// <summary>
    /// The compression of a module file by its first bytes, as kmod chooses (comp_types[]): never by
    /// its name, so a plain ELF named x.ko.gz is read as ELF and a gzip file named x.ko is inflated.
    /// </summary>
    public static Compression Detect(ReadOnlySpan<byte> file)
    {
        if (file.StartsWith((ReadOnlySpan<byte>)[0x1f, 0x8b]))
        {
            return Compression.Gzip;
        }

        if (file.StartsWith((ReadOnlySpan<byte>)[0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))
        {
            return Compression.Xz;
        }

        return file.StartsWith((ReadOnlySpan<byte>)[0x28, 0xb5, 0x2f, 0xfd]) ? Compression.Zstd : Compression.None;
    }

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
        nint errorCode = NativeLibrary.TryGetExport(library, "ZSTD_getErrorCode", out nint code) ? code : 0;
        const int DestinationTooSmall = 70; // ZSTD_error_dstSize_tooSmall

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

        int capacity = declared < (ulong)MaxModuleBytes ? (int)declared : Math.Min(Math.Max(data.Length * 4, 1 << 16), MaxModuleBytes);
        for (; ; capacity = (int)Math.Min(2L * capacity, MaxModuleBytes))
        {
            byte[] output = new byte[Math.Max(capacity, 1)];
            nuint result;
            fixed (byte* input = data)
            fixed (byte* target = output)
            {
                result = run(target, (nuint)output.Length, input, (nuint)data.Length);
            }

            if (failed(result) == 0)
            {
                module = output.AsSpan(0, (int)result).ToArray();
                error = "";
                return true;
            }

            // A larger output is tried only when the frame declared no size and zstd says the output was too small.
            bool tooSmall = errorCode != 0 && ((delegate* unmanaged<nuint, int>)errorCode)(result) == DestinationTooSmall;
            if (declared < (ulong)MaxModuleBytes || !tooSmall)
            {
                break;
            }

            if (capacity == MaxModuleBytes)
            {
                error = $"zstd data expands past {MaxModuleBytes >> 20} MiB";
                return false;
            }
        }

        error = "zstd data is corrupt";
        return false;
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
