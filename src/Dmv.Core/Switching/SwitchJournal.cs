using System.Text.Json.Serialization;

namespace Dmv.Core.Switching;

/// <summary>The record of a switch in progress, from which recovery finishes or undoes it (see <see cref="JournalState"/>).</summary>
internal sealed class SwitchJournal
{

    public int Format { get; init; } = 1;

    public required string Id { get; init; }

    [JsonIgnore]
    public required JournalState State { get; set; }

    [JsonPropertyName("state")]
    public string StateWord => State.Word();

    public required string Operation { get; init; }

    public required string Driver { get; init; }

    public string? Variant { get; init; }

    /// <summary>
    /// For an administrator's select or deselect: whether the driver was recorded as deselected
    /// before (its decision is recorded before the commit mark), so undoing the switch undoes that too.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? DeselectedBefore { get; set; }

    /// <summary>Whether the switch's hooks are owed (false with --no-hooks): a recovery honours what the switch was asked.</summary>
    public bool Hooks { get; set; } = true;

    public required List<LinkChange> Changes { get; init; }
}
