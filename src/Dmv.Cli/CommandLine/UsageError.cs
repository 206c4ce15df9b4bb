namespace Dmv.Cli.CommandLine;

/// <summary>A command line that cannot be run; reported as EINVAL.</summary>
internal sealed class UsageError
{
    public UsageError(string message) => Message = message;

    public string Message { get; }
}
