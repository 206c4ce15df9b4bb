
namespace Dmv.Core.State;

/// <summary>One line of /var/lib/driver-tool/history.jsonl: who switched what, when, in which kernels.</summary>
internal sealed class HistoryEntry
{
    public required string Time { get; init; }

    public required string Id { get; init; }

    public required string Operation { get; init; }

    public required string Driver { get; init; }

    public string? Variant { get; init; }

    public required List<string> Kernels { get; init; }

    public required List<string> MovedAside { get; init; }
}
