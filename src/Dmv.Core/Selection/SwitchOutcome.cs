using Dmv.Core.Hooks;

namespace Dmv.Core.Selection;

/// <summary>What a switch did: the kernels it changed, files it moved aside, the hooks' results, whether a reboot is now pending, and the kernels it could not be carried out in.</summary>
public sealed record SwitchOutcome(
    string Driver,
    string? Variant,
    IReadOnlyList<string> Kernels,
    IReadOnlyList<string> MovedAside,
    IReadOnlyList<HookResult> Hooks,
    bool Reboot,
    IReadOnlyList<KernelFailure> FailedKernels);
