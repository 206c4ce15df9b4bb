namespace Dmv.Cli.CommandLine;

/// <summary>A parsed command line: the command and the options that apply to it.</summary>
public sealed record Invocation(
    CommandKind Command,
    IReadOnlyList<string> Arguments,
    string? Root,
    string? Lspci,
    OutputFormat Format,
    bool Strict,
    string? RunningKernel,
    string? HelpTopic);
