using System.Runtime.InteropServices;

namespace Dmv.Core.FileSystem;

/// <summary>
/// The few libc calls .NET does not expose. readlink(2) tells in one call whether a path is a
/// link, what it points at, or why it cannot be looked at (ENOENT, ENOTDIR, EACCES), which is
/// what resolving a path component by component inside a root needs.
/// </summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true)]
    internal static partial nint ReadLink(byte* path, byte* buffer, nint size);
}
