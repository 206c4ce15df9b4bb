namespace Dmv.Core.Diagnostics;

/// <summary>
/// Collects the problems met while reading a tree. Readers report here and carry on,
/// so one bad file never hides the rest of the catalog.
/// </summary>
internal sealed class DiagnosticLog
{
    private readonly List<Diagnostic> _entries = new();
    private readonly object _gate = new();

    public void Warn(string path, string reason)
    {
        lock (_gate)
        {
            _entries.Add(new Diagnostic(path, reason));
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The problems ordered by file (in the order found within a file), the same on every run however many threads read the tree.</summary>
    public IReadOnlyList<Diagnostic> Entries
    {
        get
        {
            lock (_gate)
            {
                return _entries.OrderBy(static entry => entry.Path, StringComparer.Ordinal).ToArray();
            }
        }
    }

    /// <summary>The problems logged after the first <paramref name="count"/>, ordered as <see cref="Entries"/>.</summary>
    public IReadOnlyList<Diagnostic> EntriesAfter(int count)
    {
        lock (_gate)
        {
            return _entries.Skip(count).OrderBy(static entry => entry.Path, StringComparer.Ordinal).ToArray();
        }
    }
}
