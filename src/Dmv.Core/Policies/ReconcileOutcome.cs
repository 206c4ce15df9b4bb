namespace Dmv.Core.Policies;

/// <summary>What reconcile did for a driver; <see cref="ReconcileOutcomes.Word"/> is how the reply names it.</summary>
internal enum ReconcileOutcome
{
    Kept,
    RePointed,
    Deselected,
    Selected,
    Failed,
}

internal static class ReconcileOutcomes
{
    public static string Word(this ReconcileOutcome outcome) => outcome switch
    {
        ReconcileOutcome.Kept => "kept",
        ReconcileOutcome.RePointed => "re-pointed",
        ReconcileOutcome.Deselected => "deselected",
        ReconcileOutcome.Selected => "selected",
        _ => "failed",
    };
}
