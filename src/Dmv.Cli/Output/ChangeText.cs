using System.Text;
using Dmv.Core.Hooks;
using Dmv.Core.Policies;
using Dmv.Core.Switching;

namespace Dmv.Cli.Output;

/// <summary>
/// What select, deselect, auto-select and reconcile did, for a person (--format table): one line per
/// change ("selected dell for intel-ice in 6.1.0-1, 6.1.0-2"), then one line with the hooks and the
/// reboot ("depmod ok; reboot needed"); auto-select --dry-run's plan as a table.
/// </summary>
internal static class ChangeText
{
    public static string Select(SwitchOutcome outcome, IReadOnlyList<HookResult> hooks)
    {
        string change = outcome.Kernels.Count == 0
            ? $"{outcome.Variant} was already selected for {outcome.Driver}; nothing changed"
            : $"selected {outcome.Variant} for {outcome.Driver} in {string.Join(", ", outcome.Kernels)}";
        var text = new StringBuilder(change);
        foreach (string aside in outcome.MovedAside)
        {
            text.Append($"; moved aside {aside}");
        }

        return text.Append(Relative(outcome.MadeRelative)).Append("; ").Append(Tail(hooks, outcome.Reboot)).Append('\n').ToString();
    }

    public static string Deselect(SwitchOutcome outcome, IReadOnlyList<HookResult> hooks)
    {
        string change = outcome.Kernels.Count == 0
            ? $"nothing was selected for {outcome.Driver}; nothing changed"
            : $"deselected {outcome.Driver} in {string.Join(", ", outcome.Kernels)} (the in-tree driver loads again)";
        return $"{change}{Relative(outcome.MadeRelative)}; {Tail(hooks, outcome.Reboot)}\n";
    }

    /// <summary>"; made 3 links relative (…)": the links of other drivers a switch rewrote from an absolute target.</summary>
    private static string Relative(IReadOnlyList<string>? links) =>
        links is not { Count: > 0 } ? "" : $"; made {links.Count} absolute link{(links.Count == 1 ? "" : "s")} relative ({string.Join(", ", links)})";

    public static string AutoSelect(AutoSelectOutcome outcome, IReadOnlyList<HookResult> hooks)
    {
        if (outcome.DryRun)
        {
            return Plan(outcome.Plan);
        }

        var text = new StringBuilder();
        foreach (SwitchOutcome switched in outcome.Switched)
        {
            text.Append($"selected {switched.Variant} for {switched.Driver} in {string.Join(", ", switched.Kernels)}\n");
        }

        if (outcome.Switched.Count == 0)
        {
            text.Append("nothing to select: every driver with hardware present already has a selection\n");
            return text.ToString();
        }

        return text.Append(Tail(hooks, outcome.Reboot)).Append('\n').ToString();
    }

    /// <summary>With --trial: the line saying what is on trial, or that nothing is.</summary>
    public static string Armed(Dmv.Core.State.TrialRecord? trial, bool asked) =>
        trial is not null ? $"on trial {trial.Id}: grub counts the next {trial.Tries} boot(s); 'driver-tool trial confirm' keeps it once the host is up, and a host that never confirms comes up on the previous selection\n"
        : asked ? "nothing was switched, so nothing is on trial\n"
        : "";

    /// <summary>auto-select --dry-run: what it would select, one row per driver.</summary>
    public static string Plan(IReadOnlyList<AutoSelectChoice> plan)
    {
        if (plan.Count == 0)
        {
            return "nothing would be selected: every driver with hardware present already has a selection\n";
        }

        var rows = new List<string[]> { new[] { "DRIVER", "VARIANT", "PRIORITY", "VERSION", "WHY" } };
        rows.AddRange(plan.Select(c => new[] { c.Driver, c.Variant, c.Priority, c.Version, c.Reason }));
        return Columns(rows) + $"\n(dry run: nothing changed; run 'driver-tool auto-select' to select {(plan.Count == 1 ? "it" : "them")})\n";
    }

    /// <summary>
    /// One line per driver reconcile changed or could not reconcile, and per driver named on the
    /// command line; a driver taken from the pending list and kept as it was is not news (RPM
    /// scriptlets print this, once per package transaction). The hooks get a line only when one of
    /// them did not go well; "nothing to reconcile" only for a person at a terminal.
    /// </summary>
    public static string Reconcile(IReadOnlyList<ReconcileAction> actions, IReadOnlyList<HookResult> hooks, IReadOnlyCollection<string> named, bool interactive)
    {
        var text = new StringBuilder();
        foreach (ReconcileAction action in actions.Where(a => a.Action != ReconcileOutcome.Kept || named.Contains(a.Driver)))
        {
            string what = action.Action switch
            {
                ReconcileOutcome.Selected => $"selected {action.Variant} for {action.Driver}",
                ReconcileOutcome.RePointed => $"re-pointed {action.Driver} to {action.Variant}",
                ReconcileOutcome.Deselected => $"deselected {action.Driver}",
                ReconcileOutcome.Kept => $"kept {action.Driver}{(action.Variant is null ? "" : " on " + action.Variant)}",
                _ => $"FAILED {action.Driver}",
            };
            text.Append(what).Append(": ").Append(action.Detail).Append('\n');
        }

        if (hooks.Any(static h => h.Status is HookStatus.Failed or HookStatus.Warnings))
        {
            text.Append(Tail(hooks, reboot: null)).Append('\n');
        }

        if (text.Length == 0 && interactive)
        {
            text.Append("nothing to reconcile\n");
        }

        return text.ToString();
    }

    /// <summary>"depmod ok; reboot needed": each hook that ran, by name, with the kernels where it did not go well.</summary>
    public static string Tail(IReadOnlyList<HookResult> hooks, bool? reboot)
    {
        var parts = new List<string>();
        foreach ((string name, List<HookResult> runs) in hooks.Where(h => h.Status != HookStatus.Skipped).GroupBy(h => h.Hook))
        {
            List<HookResult> bad = runs.Where(h => h.Status != HookStatus.Ok);
            parts.Add(bad.Count == 0
                ? $"{name} ok"
                : $"{name} {string.Join(", ", bad.Select(h => h.Status.Word()).Distinct())} ({string.Join(", ", bad.Select(h => h.Kernel))})");
        }

        if (parts.Count == 0)
        {
            parts.Add(hooks.Count == 0 ? "no hooks run" : "hooks skipped");
        }

        if (reboot is bool needed)
        {
            parts.Add(needed ? "reboot needed" : "no reboot needed");
        }

        return string.Join("; ", parts);
    }

    /// <summary>Left-aligned columns two spaces apart, the last one unpadded.</summary>
    public static string Columns(IReadOnlyList<string[]> rows)
    {
        int columns = rows[0].Length;
        var widths = new int[columns];
        foreach (string[] row in rows)
        {
            for (int c = 0; c < columns; c++)
            {
                widths[c] = Math.Max(widths[c], row[c].Length);
            }
        }

        var text = new StringBuilder();
        foreach (string[] row in rows)
        {
            for (int c = 0; c < columns; c++)
            {
                text.Append(row[c]);
                if (c < columns - 1)
                {
                    text.Append(' ', widths[c] - row[c].Length + 2);
                }
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
