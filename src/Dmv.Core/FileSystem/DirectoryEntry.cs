namespace Dmv.Core.FileSystem;

/// <summary>One name in a directory. <see cref="NameIsValid"/> is false when the name is not UTF-8 and so cannot be opened by name.</summary>
public readonly record struct DirectoryEntry(string Name, EntryKind Kind, bool NameIsValid);
