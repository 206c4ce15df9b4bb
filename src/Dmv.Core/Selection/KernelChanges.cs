namespace Dmv.Core.Selection;

/// <summary>What the switches of one command changed, for the hooks that run once at its end: the kernels, and the module links added in each.</summary>
public sealed class KernelChanges
{
    private readonly Dictionary<string, IReadOnlyList<string>> _added = new(StringComparer.Ordinal);
    private readonly List<string> _kernels = [];

    public IReadOnlyList<string> Kernels => _kernels;

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Added => _added;

    /// <summary>Links the switches rewrote from an absolute target to the relative form.</summary>
    public List<string> MadeRelative { get; } = [];

    public void Add(SwitchPlan plan)
    {
        _kernels.AddRange(plan.Kernels.Where(k => !_kernels.Contains(k)));
        MadeRelative.AddRange(plan.Relinked);
        foreach (var change in plan.Journal.Changes.Where(static c => c.NewTarget is not null))
        {
            _added[change.Kernel] = [.. _added.GetValueOrDefault(change.Kernel) ?? [], change.Updates + "/" + change.Name];
        }
    }
}
