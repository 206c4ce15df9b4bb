namespace Dmv.Core.Catalog;

/// <summary>Every variant under <c>/lib/modules/K/dmv/</c> of one kernel release K.</summary>
internal sealed class KernelCatalog
{
    private readonly Dictionary<string, CatalogVariant> _byDirectory;
    private readonly HashSet<string> _rejectedDirectories;

    public KernelCatalog(string release, string realKernelDirectory, string? realDmvDirectory, IReadOnlyList<CatalogVariant> variants, IEnumerable<string>? rejectedDirectories = null)
    {
        _rejectedDirectories = new HashSet<string>(rejectedDirectories ?? [], StringComparer.Ordinal);
        Release = release;
        RealKernelDirectory = realKernelDirectory;
        RealDmvDirectory = realDmvDirectory;
        Variants = variants;
        _byDirectory = new Dictionary<string, CatalogVariant>(variants.Count, StringComparer.Ordinal);
        foreach (CatalogVariant variant in variants)
        {
            _byDirectory[variant.Directory] = variant;
        }
    }

    public string Release { get; }

    /// <summary>The resolved real path of /lib/modules/K.</summary>
    public string RealKernelDirectory { get; }

    /// <summary>The resolved real path of /lib/modules/K/dmv, or null when the kernel has no catalog.</summary>
    public string? RealDmvDirectory { get; }

    public IReadOnlyList<CatalogVariant> Variants { get; }

    /// <summary>True when the folder's info.json was rejected (and reported) when the catalog was read.</summary>
    public bool IsRejected(string realDirectory) => _rejectedDirectories.Contains(realDirectory);

    /// <summary>True when the catalog read the folder that <paramref name="realPath"/> lies in.</summary>
    public bool Covers(string realPath) =>
        RealDmvDirectory is not null && IsBelow(realPath, RealDmvDirectory);

    /// <summary>
    /// The variant a file under dmv/ belongs to: the one whose info.json stands in the nearest
    /// folder above it. Modules may sit in sub-folders of their variant.
    /// </summary>
    public CatalogVariant? OwnerOf(string realFilePath) => OwnerOf(realFilePath, out _);

    /// <summary>
    /// As <see cref="OwnerOf(string)"/>; <paramref name="ownerRejected"/> tells that the nearest
    /// info.json exists but was rejected (and reported) when the catalog was read.
    /// </summary>
    public CatalogVariant? OwnerOf(string realFilePath, out bool ownerRejected)
    {
        ownerRejected = false;
        if (RealDmvDirectory is null || !IsBelow(realFilePath, RealDmvDirectory))
        {
            return null;
        }

        string? directory = Path.GetDirectoryName(realFilePath);
        while (directory is not null && directory.Length >= RealDmvDirectory.Length)
        {
            if (_byDirectory.TryGetValue(directory, out CatalogVariant? owner))
            {
                return owner;
            }

            if (_rejectedDirectories.Contains(directory))
            {
                ownerRejected = true;
                return null;
            }

            directory = Path.GetDirectoryName(directory);
        }

        return null;
    }

    /// <summary>True when <paramref name="path"/> lies strictly inside <paramref name="directory"/>.</summary>
    public static bool IsBelow(string path, string directory) =>
        path.Length > directory.Length + 1
        && path.StartsWith(directory, StringComparison.Ordinal)
        && (directory == "/" || path[directory.Length] == '/');
}
