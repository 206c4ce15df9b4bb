namespace Dmv.Core.FileSystem;

/// <summary>
/// A stream over a descriptor (standard input, output or error, or an open --lspci file) that
/// calls read(2) and write(2) and nothing else: no seeking (a FileStream over a file keeps its own
/// offset and would overwrite what `>>` appends to), no console set-up, no thread-pool hop for an
/// asynchronous read (it completes on the caller's thread), and a failure is an IOException
/// carrying the errno.
/// </summary>
internal sealed class DescriptorStream(int descriptor, bool owned = false) : Stream
{
    /// <summary>
    /// Opens an input the caller named on the command line (this machine's file, FIFO or device,
    /// as given: `--lspci <(lspci -nm)` is a pipe); the stream owns the descriptor. Readers of such
    /// input bound what they take from it.
    /// </summary>
    public static bool TryOpenInput(string path, [NotNullWhen(true)] out DescriptorStream? stream, out int errno)
    {
        stream = null;
        int descriptor = NativePath.Open(path, NativeMethods.O_RDONLY | NativeMethods.O_CLOEXEC, out errno, blocking: true);
        if (descriptor < 0)
        {
            return false;
        }

        stream = new DescriptorStream(descriptor, owned: true);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (owned && disposing)
        {
            NativeMethods.Close(descriptor);
        }

        base.Dispose(disposing);
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        int errno = DirectoryHandle.WriteAll(descriptor, buffer);
        if (errno != 0)
        {
            throw new IOException(Errno.Describe(errno), errno);
        }
    }

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override unsafe int Read(Span<byte> buffer)
    {
        fixed (byte* start = buffer)
        {
            while (true)
            {
                nint read = NativeMethods.Read(descriptor, start, buffer.Length);
                if (read >= 0)
                {
                    return (int)read;
                }

                int errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (errno != Errno.EINTR)
                {
                    throw new IOException(Errno.Describe(errno), errno);
                }
            }
        }
    }

    /// <summary>Reads on the caller's thread: the returned task is already complete.</summary>
    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
