using Dmv.Core.Catalog;
using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>The reply of select: the contract's <c>driver</c>, <c>variant</c> and <c>exit</c>, then what was done.</summary>
internal sealed class SelectReply
{
    public required string Driver { get; init; }

    public required string Variant { get; init; }

    public int Exit { get; init; }

    public required OperationState Operation { get; init; }

    public required List<string> Kernels { get; init; }

    public required List<string> MovedAside { get; init; }

    /// <summary>The signature policy the switch ran under: "enforce", or "warn"/"off" when a caller chose to let unchecked modules through.</summary>
    public required string Signatures { get; init; }

    /// <summary>Links of other drivers in the kernels changed whose absolute target (as xcp.dmv writes them) the switch rewrote in the relative form.</summary>
    public required List<string> MadeRelative { get; init; }

    /// <summary>Kernels the switch could not be carried out in (each kept what it had), with the reason.</summary>
    public required List<KernelFailureReply> FailedKernels { get; init; }

    public required List<HookReply> Hooks { get; init; }

    /// <summary>With --trial: the trial armed (null when nothing was switched, so nothing is on trial).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ArmedTrialReply? Trial { get; init; }
}

/// <summary>A kernel a switch could not be carried out in: its errno, as an error reply's <c>exit_code</c>, and why.</summary>
internal sealed class KernelFailureReply
{
    public required string Kernel { get; init; }

    public int ExitCode { get; init; }

    public required string Message { get; init; }
}

/// <summary>The reply of deselect: the contract's <c>driver</c> and <c>exit</c>, then what was done.</summary>
internal sealed class DeselectReply
{
    public required string Driver { get; init; }

    public int Exit { get; init; }

    public required OperationState Operation { get; init; }

    public required List<string> Kernels { get; init; }

    /// <summary>Links of other drivers in the kernels changed whose absolute target (as xcp.dmv writes them) the switch rewrote in the relative form.</summary>
    public required List<string> MadeRelative { get; init; }

    public required List<KernelFailureReply> FailedKernels { get; init; }

    public required List<HookReply> Hooks { get; init; }
}

internal sealed class HookReply
{
    public required string Kernel { get; init; }

    public required string Hook { get; init; }

    public required string Status { get; init; }

    public string? Command { get; init; }

    public string? Detail { get; init; }
}

/// <summary>The reply of auto-select: the plan (all a dry run prints), what was switched, the hooks.</summary>
internal sealed class AutoSelectReply
{
    public bool DryRun { get; init; }

    public required List<AutoSelectChoiceReply> Plan { get; init; }

    public required List<SelectedReply> Selected { get; init; }

    /// <summary>Links of other drivers in the kernels changed whose absolute target (as xcp.dmv writes them) the switch rewrote in the relative form.</summary>
    public required List<string> MadeRelative { get; init; }

    public required OperationState Operation { get; init; }

    public required List<HookReply> Hooks { get; init; }

    public int Exit { get; init; }

    /// <summary>With --trial: the trial armed (null when nothing was switched, so nothing is on trial).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ArmedTrialReply? Trial { get; init; }
}

internal sealed class AutoSelectChoiceReply
{
    public required string Driver { get; init; }

    public required string Variant { get; init; }

    public JsonNumberText Priority { get; init; }

    public required string Version { get; init; }

    public int MatchSpecificity { get; init; }

    public required string Reason { get; init; }
}

internal sealed class SelectedReply
{
    public required string Driver { get; init; }

    public required string Variant { get; init; }

    public required List<string> Kernels { get; init; }

    public required List<KernelFailureReply> FailedKernels { get; init; }
}

/// <summary>The reply of reconcile: what was done for each driver, the hooks, the exit status.</summary>
internal sealed class ReconcileReply
{
    public required List<ReconciledReply> Reconciled { get; init; }

    /// <summary>Links of other drivers in the kernels changed whose absolute target (as xcp.dmv writes them) the switch rewrote in the relative form.</summary>
    public required List<string> MadeRelative { get; init; }


    public required List<HookReply> Hooks { get; init; }

    public int Exit { get; init; }
}

internal sealed class ReconciledReply
{
    public required string Driver { get; init; }

    /// <summary>kept, re-pointed, deselected, selected or failed.</summary>
    public required string Action { get; init; }

    public string? Variant { get; init; }

    public required string Detail { get; init; }

    public required List<KernelFailureReply> FailedKernels { get; init; }
}

/// <summary>The reply of verify: whether the tree is clean, and each problem found (and mended, with --repair).</summary>
internal sealed class VerifyReply
{
    public bool Clean { get; init; }

    public required List<ProblemReply> Problems { get; init; }

    public int Exit { get; init; }
}

internal sealed class ProblemReply
{
    public required string Kind { get; init; }

    public required string Path { get; init; }

    public required string Detail { get; init; }

    public bool Repaired { get; init; }
}
