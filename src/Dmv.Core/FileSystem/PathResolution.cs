namespace Dmv.Core.FileSystem;

/// <summary>
/// The outcome of resolving a host path inside a <see cref="HostRoot"/>: either the real path
/// (every symbolic link followed, nothing outside the root) or the errno and reason it failed.
/// </summary>
internal readonly record struct PathResolution(string? RealPath, int Errno, string? Reason)
{
    public bool Succeeded => RealPath is not null;

    public static PathResolution Found(string realPath) => new(realPath, 0, null);

    public static PathResolution Failed(int errno, string reason) => new(null, errno, reason);
}
