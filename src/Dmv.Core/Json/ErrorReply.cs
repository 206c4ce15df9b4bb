
namespace Dmv.Core.Json;

/// <summary>The reply of any failing call: <c>{"version": 0.1, "exit_code": E, "message": "…"}</c>, E an errno.</summary>
internal sealed class ErrorReply
{
    public double Version { get; init; } = 0.1;

    public int ExitCode { get; init; }

    public required string Message { get; init; }
}
