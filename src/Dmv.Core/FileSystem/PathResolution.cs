using Dmv.Core.Diagnostics;

namespace Dmv.Core.FileSystem;

/// <summary>
/// The outcome of resolving a host path inside a <see cref="HostRoot"/>: either the real path
/// (every symbolic link followed, nothing outside the root) or the failure.
/// </summary>
internal readonly record struct PathResolution(string? RealPath, Failure? Failure)
{
    [MemberNotNullWhen(true, nameof(RealPath))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => RealPath is not null;

    public int Errno => Failure?.Errno ?? 0;

    public string? Reason => Failure?.Message;

    public static PathResolution Found(string realPath) => new(realPath, null);

    public static PathResolution Failed(int errno, string reason) => new(null, new Failure(errno, reason));

    /// <summary>A failure about one file: "PATH: DETAIL".</summary>
    public static PathResolution FailedAt(int errno, string path, string detail) => new(null, Failure.At(errno, path, detail));
}
