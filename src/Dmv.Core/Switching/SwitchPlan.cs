
namespace Dmv.Core.Switching;

/// <summary>What a select or deselect will change: the journal to run, and what it reports.</summary>
/// <param name="Failed">Kernels the switch cannot be carried out in; the journal leaves them as they are.</param>
/// <param name="MadeRelative">Other drivers' links (host paths) written with an absolute target, which the switch rewrites in the relative form.</param>
internal sealed record SwitchPlan(SwitchJournal Journal, IReadOnlyList<string> Kernels, IReadOnlyList<string> MovedAside, IReadOnlyList<KernelFailure> Failed, IReadOnlyList<string>? MadeRelative = null)
{
    public bool ChangesNothing => Journal.Changes.Count == 0;

    public IReadOnlyList<string> Relinked => MadeRelative ?? [];

    /// <summary>The plan after some kernels could not be written: they join <see cref="Failed"/> and leave what it reports as done.</summary>
    public SwitchPlan WithFailed(IReadOnlyList<KernelFailure> failed)
    {
        if (failed.Count == 0)
        {
            return this;
        }

        bool Kept(string path) => !failed.Any(f => path.StartsWith($"/lib/modules/{f.Kernel}/", StringComparison.Ordinal));
        return this with
        {
            Kernels = Kernels.Where(k => !failed.Any(f => f.Kernel == k)).ToList(),
            MovedAside = MovedAside.Where(Kept).ToList(),
            MadeRelative = Relinked.Where(Kept).ToList(),
            Failed = [.. Failed, .. failed.Where(f => !Failed.Any(known => known.Kernel == f.Kernel))],
        };
    }
}
