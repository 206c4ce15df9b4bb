namespace Dmv.Core.Diagnostics;

/// <summary>One problem found while reading the tree: the file it concerns and why.</summary>
internal readonly record struct Diagnostic(string Path, string Reason)
{
    public override string ToString() => $"{Path}: {Reason}";
}
