using System.Text.Json.Serialization;
using Dmv.Core.State;

namespace Dmv.Core.Json;

/// <summary>The reply of history: the switches recorded in history.jsonl, newest first.</summary>
public sealed class HistoryReply
{
    [JsonPropertyName("history")]
    public required List<HistoryEntry> History { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }
}
