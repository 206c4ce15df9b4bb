using Dmv.Core.Hooks;

namespace Dmv.Core.Selection;

/// <summary>What auto-select chose, what it switched, and the hooks' results.</summary>
public sealed record AutoSelectOutcome(
    IReadOnlyList<AutoSelectChoice> Plan,
    IReadOnlyList<SwitchOutcome> Switched,
    IReadOnlyList<HookResult> Hooks,
    bool Reboot,
    bool DryRun);
