using Dmv.Core.State;

namespace Dmv.Core.Json;

/// <summary>The reply of history: the switches recorded in history.jsonl, newest first.</summary>
internal sealed class HistoryReply
{
    public required List<HistoryEntry> History { get; init; }

    public int Exit { get; init; }
}
