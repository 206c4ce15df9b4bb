namespace Dmv.Core.FileSystem;

/// <summary>What a directory entry is, as lstat(2) would say: links are not followed.</summary>
internal enum EntryKind
{
    /// <summary>A regular file (or, where the file system does not say, anything else that is not a folder or link).</summary>
    File,
    Directory,
    Link,

    /// <summary>A FIFO, socket or device: never a module, never read as a file (opening a FIFO would wait for a writer).</summary>
    Special,
}
