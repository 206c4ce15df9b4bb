using Dmv.Core.FileSystem;

namespace Dmv.Core.Catalog;

/// <summary>
/// Buffers one catalog walk reuses from folder to folder and file to file; kernels scanned in
/// parallel each take their own from a pool.
/// </summary>
public sealed class ScanScratch
{
    public Stack<string> PendingDirectories { get; } = new();

    public List<DirectoryEntry> Entries { get; } = new();

    public byte[] FileBuffer { get; set; } = new byte[4096];

    public void Reset()
    {
        PendingDirectories.Clear();
        Entries.Clear();
    }
}
