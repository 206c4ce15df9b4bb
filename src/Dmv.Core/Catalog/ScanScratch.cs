using Dmv.Core.FileSystem;

namespace Dmv.Core.Catalog;

/// <summary>
/// Buffers a catalog walk reuses from folder to folder and file to file. Kernels scanned in
/// parallel each rent their own from a pool, so no buffer is shared between threads and none is
/// allocated per folder.
/// </summary>
internal sealed class ScanScratch
{
    private readonly Stack<List<DirectoryEntry>> _spareLists = new();

    public byte[] DirectoryBuffer { get; } = new byte[16 * 1024];

    public byte[] FileBuffer { get; set; } = new byte[4096];

    /// <summary>An empty entry list; the walk keeps one per level of depth.</summary>
    public List<DirectoryEntry> RentList() => _spareLists.Count > 0 ? _spareLists.Pop() : new List<DirectoryEntry>(32);

    public void ReturnList(List<DirectoryEntry> list)
    {
        list.Clear();
        _spareLists.Push(list);
    }
}
