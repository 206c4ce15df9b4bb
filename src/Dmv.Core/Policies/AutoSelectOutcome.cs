using Dmv.Core.Diagnostics;
using Dmv.Core.Hooks;
using Dmv.Core.Switching;

namespace Dmv.Core.Policies;

/// <summary>
/// What auto-select chose, what it switched, what it could not select and why (a refused driver
/// does not stop the others), and the hooks' results.
/// </summary>
internal sealed record AutoSelectOutcome(
    IReadOnlyList<AutoSelectChoice> Plan,
    IReadOnlyList<SwitchOutcome> Switched,
    IReadOnlyList<(string Driver, Failure Failure)> Refused,
    IReadOnlyList<HookResult> Hooks,
    bool Reboot,
    bool DryRun,
    IReadOnlyList<string>? MadeRelative = null)
{
    /// <summary>The trial this command armed (its record, as written before the links changed), or null.</summary>
    public State.TrialRecord? Trial { get; init; }
}
