namespace Dmv.Core.Modules;

/// <summary>How a module file is stored, from its name (and checked against its first bytes).</summary>
internal enum Compression
{
    None,
    Gzip,
    Xz,
    Zstd,
}

internal static class Compressions
{
    /// <summary>The first bytes of each compressed form (kmod's comp_types[]): the one table a module's form is told by.</summary>
    private static readonly (byte[] Magic, Compression Compression)[] Magics =
    [
        ([0x1f, 0x8b], Compression.Gzip),
        ([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00], Compression.Xz),
        ([0x28, 0xb5, 0x2f, 0xfd], Compression.Zstd),
    ];

    /// <summary>
    /// The compression of a module file by its first bytes, as kmod chooses: never by its name, so a
    /// plain ELF named x.ko.gz is read as ELF and a gzip file named x.ko is inflated.
    /// </summary>
    public static Compression Detect(ReadOnlySpan<byte> file)
    {
        foreach ((byte[] magic, Compression compression) in Magics)
        {
            if (file.StartsWith(magic))
            {
                return compression;
            }
        }

        return Compression.None;
    }

    /// <summary>How replies and messages name it, as kmod does.</summary>
    public static string Word(this Compression compression) => compression switch
    {
        Compression.Gzip => "gzip",
        Compression.Xz => "xz",
        Compression.Zstd => "zstd",
        _ => "none",
    };
}
