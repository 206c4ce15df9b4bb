using System.Text.Json.Serialization;

namespace Dmv.Core.State;

/// <summary>One line of /var/lib/driver-tool/history.jsonl: who switched what, when, in which kernels.</summary>
public sealed class HistoryEntry
{
    [JsonPropertyName("time")]
    public required string Time { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("operation")]
    public required string Operation { get; init; }

    [JsonPropertyName("driver")]
    public required string Driver { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("kernels")]
    public required List<string> Kernels { get; init; }

    [JsonPropertyName("moved_aside")]
    public required List<string> MovedAside { get; init; }
}
