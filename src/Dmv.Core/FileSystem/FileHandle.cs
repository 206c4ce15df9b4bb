namespace Dmv.Core.FileSystem;

/// <summary>
/// A regular file of the managed system open for reading (<see cref="HostRoot.TryOpenFile"/>): read
/// with pread or to its end through this descriptor, never reopened by name.
/// </summary>
internal struct FileHandle : IDisposable
{
    // The descriptor plus one, so that a default value holds no descriptor (not 0, standard input).
    private int _descriptorPlusOne;

    internal FileHandle(int descriptor) => _descriptorPlusOne = descriptor + 1;

    public readonly bool IsOpen => _descriptorPlusOne > 0;

    internal readonly int Descriptor => _descriptorPlusOne - 1;

    /// <summary>fstat(2) of the open file: 0 or the errno.</summary>
    public readonly int Status(out FileStatus status) => DirectoryHandle.DescriptorStatus(Descriptor, out status);

    /// <summary>Reads the file to its end (at most <paramref name="maxBytes"/>, else EFBIG) and closes it.</summary>
    public bool TryReadAll(int maxBytes, ref byte[] buffer, out int length, out int errno)
    {
        int descriptor = Descriptor;
        _descriptorPlusOne = 0;
        return FileContent.ReadAll(descriptor, maxBytes, ref buffer, out length, out errno, regularFile: true);
    }

    public void Dispose()
    {
        if (_descriptorPlusOne > 0)
        {
            NativeMethods.Close(_descriptorPlusOne - 1);
            _descriptorPlusOne = 0;
        }
    }
}
