using Dmv.Core.State;

namespace Dmv.Core.Selection;

/// <summary>What a select or deselect will change: the journal to run, and what it reports.</summary>
/// <param name="Failed">Kernels the switch cannot be carried out in; the journal leaves them as they are.</param>
/// <param name="MadeRelative">Other drivers' links (host paths) written with an absolute target, which the switch rewrites in the relative form.</param>
public sealed record SwitchPlan(SwitchJournal Journal, IReadOnlyList<string> Kernels, IReadOnlyList<string> MovedAside, IReadOnlyList<KernelFailure> Failed, IReadOnlyList<string>? MadeRelative = null)
{
    public bool ChangesNothing => Journal.Changes.Count == 0;

    public IReadOnlyList<string> Relinked => MadeRelative ?? [];
}
