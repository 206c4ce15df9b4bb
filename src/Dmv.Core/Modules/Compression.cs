namespace Dmv.Core.Modules;

/// <summary>How a module file is stored, from its name (and checked against its first bytes).</summary>
public enum Compression
{
    None,
    Gzip,
    Xz,
    Zstd,
}

public static class Compressions
{
    /// <summary>How replies and messages name it, as kmod does.</summary>
    public static string Word(this Compression compression) => compression switch
    {
        Compression.Gzip => "gzip",
        Compression.Xz => "xz",
        Compression.Zstd => "zstd",
        _ => "none",
    };
}
