namespace Dmv.Core.Verification;

/// <summary>A problem verify found: its kind, the file, what is wrong, and whether --repair mended it.</summary>
internal sealed record TreeProblem(string Kind, string Path, string Detail, bool Repaired);
