using Dmv.Core.Hooks;

namespace Dmv.Core.Switching;

/// <summary>
/// What a switch did: the kernels it changed, files it moved aside, the hooks' results, whether a
/// reboot is now pending, the kernels it could not be carried out in, and the links of other drivers
/// it rewrote from an absolute target to the relative form.
/// </summary>
internal sealed record SwitchOutcome(
    string Driver,
    string? Variant,
    IReadOnlyList<string> Kernels,
    IReadOnlyList<string> MovedAside,
    IReadOnlyList<HookResult> Hooks,
    bool Reboot,
    IReadOnlyList<KernelFailure> FailedKernels,
    IReadOnlyList<string>? MadeRelative = null)
{
    /// <summary>The trial this command armed (its record, as written before the links changed), or null.</summary>
    public State.TrialRecord? Trial { get; init; }
}
