using Dmv.Core.Diagnostics;

namespace Dmv.Core.FileSystem;

/// <summary>
/// The folders one command opened inside the root by descriptor, by host path, kept open until the
/// command ends: the switch planner lists an updates/ folder through the same descriptor the
/// executor then writes through, so a link swapped in between cannot send the write elsewhere.
/// </summary>
internal sealed class OpenFolders(HostRoot root) : IDisposable
{
    private readonly Dictionary<string, DirectoryHandle> _open = new(StringComparer.Ordinal);

    public HostRoot Root => root;

    /// <summary>The open folder; a folder that is missing is created only with <paramref name="create"/>, and a failure is not remembered.</summary>
    public bool TryGet(string hostPath, bool create, out DirectoryHandle folder, [NotNullWhen(false)] out Failure? failure)
    {
        if (_open.TryGetValue(hostPath, out folder))
        {
            failure = null;
            return true;
        }

        if (!root.TryOpenDirectory(hostPath, create, out folder, out failure))
        {
            return false;
        }

        _open[hostPath] = folder;
        return true;
    }

    public void Dispose()
    {
        foreach (DirectoryHandle folder in _open.Values)
        {
            folder.Dispose();
        }

        _open.Clear();
    }
}
