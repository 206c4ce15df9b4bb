using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>The reply of any failing call: <c>{"version": 0.1, "exit_code": E, "message": "…"}</c>, E an errno.</summary>
public sealed class ErrorReply
{
    [JsonPropertyName("version")]
    public double Version { get; init; } = 0.1;

    [JsonPropertyName("exit_code")]
    public int ExitCode { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }
}
