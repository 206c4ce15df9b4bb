using System.Text.Json.Serialization;

namespace Dmv.Core.State;

/// <summary>
/// The record of a switch in progress. "prepared": new links may be staged, nothing visible has
/// changed, so recovery rolls back. "committed": the switch is decided, so recovery rolls forward.
/// </summary>
public sealed class SwitchJournal
{
    public const string Prepared = "prepared";
    public const string Committed = "committed";

    [JsonPropertyName("format")]
    public int Format { get; init; } = 1;

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; set; }

    [JsonPropertyName("operation")]
    public required string Operation { get; init; }

    [JsonPropertyName("driver")]
    public required string Driver { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("changes")]
    public required List<LinkChange> Changes { get; init; }
}
