namespace Dmv.Core.Switching;

/// <summary>What the switches of one command did, for its reply and its hooks: their ids, and the links they made relative.</summary>
internal sealed class KernelChanges
{
    /// <summary>The ids of the switches carried out: their hooks are this command's to run (see <see cref="PendingHooks"/>).</summary>
    public List<string> Switches { get; } = [];

    /// <summary>The kernels the switches changed, in the order they were first changed.</summary>
    public List<string> Kernels { get; } = [];

    /// <summary>Links the switches rewrote from an absolute target to the relative form.</summary>
    public List<string> MadeRelative { get; } = [];

    public void Add(SwitchPlan plan)
    {
        Switches.Add(plan.Journal.Id);
        Kernels.AddRange(plan.Kernels.Where(k => !Kernels.Contains(k)));
        MadeRelative.AddRange(plan.Relinked);
    }
}
