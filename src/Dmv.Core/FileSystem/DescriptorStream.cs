namespace Dmv.Core.FileSystem;

/// <summary>
/// A write-only stream over an inherited descriptor (standard output or error) that calls write(2)
/// and nothing else: no seeking (a FileStream over a file keeps its own offset and would overwrite
/// what `>>` appends to), no console set-up, and a failed write is an IOException carrying the errno.
/// </summary>
public sealed class DescriptorStream(int descriptor) : Stream
{
    public override bool CanRead => false;

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

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
