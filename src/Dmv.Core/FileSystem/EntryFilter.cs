namespace Dmv.Core.FileSystem;

/// <summary>Chooses, from its raw name and type, which directory entries a listing keeps: the rest cost no string.</summary>
internal delegate bool EntryFilter(ReadOnlySpan<byte> name, EntryKind kind);
