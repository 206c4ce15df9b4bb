namespace Dmv.Core.Diagnostics;

/// <summary>
/// Why an operation could not be done, from the file-system door up to a command's reply: the errno
/// driver-tool exits with and a one-line message; where the message is about one file, that file
/// and what is wrong with it apart (<see cref="Path"/>, <see cref="Detail"/>); for a name nothing
/// answers to, the name and those that do (<see cref="Unknown"/>). A layer that reports a failure
/// its own way takes these parts, never the message apart.
/// </summary>
internal sealed record Failure(int Errno, string Message)
{
    /// <summary>The file the message is about (a real path, as messages give it), when it is about one.</summary>
    public string? Path { get; init; }

    /// <summary>What is wrong with <see cref="Path"/>, without the path.</summary>
    public string? Detail { get; init; }

    public UnknownName? Unknown { get; init; }

    /// <summary>"PATH: DETAIL", keeping both parts.</summary>
    public static Failure At(int errno, string path, string detail) => new(errno, $"{path}: {detail}") { Path = path, Detail = detail };

    /// <summary>The message for a report that already names <paramref name="path"/>: the detail alone when the failure is about that very file.</summary>
    public string DetailAt(string path) => Path == path && Detail is not null ? Detail : Message;
}

/// <summary>A driver or variant name that is not installed: what kind, the name, and the names that are.</summary>
internal sealed record UnknownName(string Kind, string Name, IReadOnlyList<string> Known);
