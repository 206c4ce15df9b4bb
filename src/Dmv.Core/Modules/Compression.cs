namespace Dmv.Core.Modules;

/// <summary>How a module file is stored, from its name (and checked against its first bytes).</summary>
public enum Compression
{
    None,
    Gzip,
    Xz,
    Zstd,
}
