namespace Dmv.Core.Selection;

/// <summary>What reconcile did for a driver; <see cref="ReconcileOutcomes.Word"/> is how the reply names it.</summary>
public enum ReconcileOutcome
{
    Kept,
    RePointed,
    Deselected,
    Selected,
    Failed,
}

public static class ReconcileOutcomes
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
