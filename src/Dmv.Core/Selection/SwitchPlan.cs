using Dmv.Core.State;

namespace Dmv.Core.Selection;

/// <summary>What a select or deselect will change: the journal to run, and what it reports.</summary>
public sealed record SwitchPlan(SwitchJournal Journal, IReadOnlyList<string> Kernels, IReadOnlyList<string> MovedAside)
{
    public bool ChangesNothing => Journal.Changes.Count == 0;
}
