namespace Dmv.Core.FileSystem;

/// <summary>What a directory entry is, as lstat(2) would say: links are not followed.</summary>
public enum EntryKind
{
    File,
    Directory,
    Link,
}
