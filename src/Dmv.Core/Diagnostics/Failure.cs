namespace Dmv.Core.Diagnostics;

/// <summary>
/// Why an operation could not be done: the errno driver-tool exits with, a one-line message, and,
/// for a name nothing answers to, the name and those that do (<see cref="Unknown"/>), so the layer
/// that reports it suggests the closest without reading the message.
/// </summary>
internal sealed record Failure(int Errno, string Message)
{
    public UnknownName? Unknown { get; init; }
}

/// <summary>A driver or variant name that is not installed: what kind, the name, and the names that are.</summary>
internal sealed record UnknownName(string Kind, string Name, IReadOnlyList<string> Known);
