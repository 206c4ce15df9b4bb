
namespace Dmv.Core.Switching;

/// <summary>
/// One entry of updates/ a switch changes. Paths are host paths, so a journal written through
/// --root by an installer is still right when the installed system boots and recovers it.
/// </summary>
internal sealed class LinkChange
{
    public required string Kernel { get; init; }

    /// <summary>The host path of the kernel's updates/ folder.</summary>
    public required string Updates { get; init; }

    /// <summary>The module file name, e.g. "ice.ko".</summary>
    public required string Name { get; init; }

    /// <summary>The target text of the link being replaced or removed, or null when there is none.</summary>
    public string? OldTarget { get; init; }

    /// <summary>The target text of the new link, or null when the link is removed.</summary>
    public string? NewTarget { get; init; }

    /// <summary>The hidden name the new link is built under before it is renamed into place.</summary>
    public string? Staged { get; init; }

    /// <summary>With --force: the name a foreign file standing in the way is moved to (kept, never deleted).</summary>
    public string? SetAside { get; init; }

    private const string StagedMark = ".driver-tool-";
    private const string AsideMark = ".saved-by-driver-tool-";

    /// <summary>The hidden name a switch stages a module's new link under: neither depmod nor the kernel looks at it.</summary>
    public static string StagedName(string module, string switchId) => "." + module + StagedMark + switchId;

    /// <summary>The name a foreign file standing where a module link must go is moved to (with --force).</summary>
    public static string AsideName(string module, string stamp) => module + AsideMark + stamp;

    /// <summary>True for a name a switch stages a link under, whichever switch.</summary>
    public static bool IsStagedName(string name) => name.StartsWith('.') && name.Contains(StagedMark, StringComparison.Ordinal);

    /// <summary>True when <paramref name="name"/> is a name a foreign file in <paramref name="module"/>'s place is moved aside to.</summary>
    public static bool IsAsideName(string name, string module) => name.StartsWith(module + AsideMark, StringComparison.Ordinal);
}
