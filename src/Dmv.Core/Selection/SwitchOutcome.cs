using Dmv.Core.Hooks;

namespace Dmv.Core.Selection;

/// <summary>What a switch did: the kernels it changed, files it moved aside, the hooks' results, and whether a reboot is now pending.</summary>
public sealed record SwitchOutcome(
    string Driver,
    string? Variant,
    IReadOnlyList<string> Kernels,
    IReadOnlyList<string> MovedAside,
    IReadOnlyList<HookResult> Hooks,
    bool Reboot)
{
    public HookResult? FirstFailedHook => Hooks.FirstOrDefault(h => h.Status == HookResult.Failed);
}
