using System.Text.Json.Serialization;

namespace Dmv.Core.State;

/// <summary>The record of a switch in progress, from which recovery finishes or undoes it (see <see cref="JournalState"/>).</summary>
public sealed class SwitchJournal
{

    [JsonPropertyName("format")]
    public int Format { get; init; } = 1;

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonIgnore]
    public required JournalState State { get; set; }

    [JsonPropertyName("state")]
    public string StateWord => State.Word();

    [JsonPropertyName("operation")]
    public required string Operation { get; init; }

    [JsonPropertyName("driver")]
    public required string Driver { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    /// <summary>Whether the switch's hooks are owed (false with --no-hooks): a recovery honours what the switch was asked.</summary>
    [JsonPropertyName("hooks")]
    public bool Hooks { get; set; } = true;

    [JsonPropertyName("changes")]
    public required List<LinkChange> Changes { get; init; }
}
