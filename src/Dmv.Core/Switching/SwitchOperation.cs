namespace Dmv.Core.Switching;

/// <summary>
/// What a switch is, as its journal and its history line name it. An administrator's select and
/// deselect also decide whether auto-select may act on the driver (<see cref="DeselectionRecord"/>);
/// the others do not.
/// </summary>
internal static class SwitchOperation
{
    public const string Select = "select";
    public const string Deselect = "deselect";
    public const string AutoSelect = "auto-select";

    /// <summary>reconcile: a selection's links pointed again at its variant's files (they moved).</summary>
    public const string RePoint = "re-point";

    /// <summary>reconcile: links into a variant that is gone or unusable in a kernel taken away.</summary>
    public const string Unlink = "unlink";

    /// <summary>verify --repair: links written with an absolute target rewritten in the relative form.</summary>
    public const string Relink = "relink";

    /// <summary>A trial's rollback: its drivers' links back to what each kernel had before the trial.</summary>
    public const string TrialRollback = "trial-rollback";

    /// <summary>A trial confirmed: a history line only, no link changes.</summary>
    public const string TrialGood = "trial-good";
}
