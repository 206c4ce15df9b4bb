using System.Text.Json.Serialization;
using Dmv.Core.Catalog;

namespace Dmv.Core.Json;

/// <summary>The reply of select: the contract's <c>driver</c>, <c>variant</c> and <c>exit</c>, then what was done.</summary>
public sealed class SelectReply
{
    [JsonPropertyName("driver")]
    public required string Driver { get; init; }

    [JsonPropertyName("variant")]
    public required string Variant { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }

    [JsonPropertyName("operation")]
    public required OperationState Operation { get; init; }

    [JsonPropertyName("kernels")]
    public required List<string> Kernels { get; init; }

    [JsonPropertyName("moved_aside")]
    public required List<string> MovedAside { get; init; }

    /// <summary>The signature policy the switch ran under: "enforce", or "warn"/"off" when a caller chose to let unchecked modules through.</summary>
    [JsonPropertyName("signatures")]
    public required string Signatures { get; init; }

    /// <summary>Links of other drivers in the kernels changed whose absolute target (as xcp.dmv writes them) the switch rewrote in the relative form.</summary>
    [JsonPropertyName("made_relative")]
    public required List<string> MadeRelative { get; init; }

    /// <summary>Kernels the switch could not be carried out in (each kept what it had), with the reason.</summary>
    [JsonPropertyName("failed_kernels")]
    public required List<KernelFailureReply> FailedKernels { get; init; }

    [JsonPropertyName("hooks")]
    public required List<HookReply> Hooks { get; init; }

    /// <summary>With --trial: the trial armed (null when nothing was switched, so nothing is on trial).</summary>
    [JsonPropertyName("trial")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ArmedTrialReply? Trial { get; init; }
}

/// <summary>A kernel a switch could not be carried out in: its errno, as an error reply's <c>exit_code</c>, and why.</summary>
public sealed class KernelFailureReply
{
    [JsonPropertyName("kernel")]
    public required string Kernel { get; init; }

    [JsonPropertyName("exit_code")]
    public int ExitCode { get; init; }

    [JsonPropertyName("message")]
    public required string Message { get; init; }
}

/// <summary>The reply of deselect: the contract's <c>driver</c> and <c>exit</c>, then what was done.</summary>
public sealed class DeselectReply
{
    [JsonPropertyName("driver")]
    public required string Driver { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }

    [JsonPropertyName("operation")]
    public required OperationState Operation { get; init; }

    [JsonPropertyName("kernels")]
    public required List<string> Kernels { get; init; }

    /// <summary>Links of other drivers in the kernels changed whose absolute target (as xcp.dmv writes them) the switch rewrote in the relative form.</summary>
    [JsonPropertyName("made_relative")]
    public required List<string> MadeRelative { get; init; }

    [JsonPropertyName("failed_kernels")]
    public required List<KernelFailureReply> FailedKernels { get; init; }

    [JsonPropertyName("hooks")]
    public required List<HookReply> Hooks { get; init; }
}

public sealed class HookReply
{
    [JsonPropertyName("kernel")]
    public required string Kernel { get; init; }

    [JsonPropertyName("hook")]
    public required string Hook { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("command")]
    public string? Command { get; init; }

    [JsonPropertyName("detail")]
    public string? Detail { get; init; }
}

/// <summary>The reply of auto-select: the plan (all a dry run prints), what was switched, the hooks.</summary>
public sealed class AutoSelectReply
{
    [JsonPropertyName("dry_run")]
    public bool DryRun { get; init; }

    [JsonPropertyName("plan")]
    public required List<AutoSelectChoiceReply> Plan { get; init; }

    [JsonPropertyName("selected")]
    public required List<SelectedReply> Selected { get; init; }

    /// <summary>Links of other drivers in the kernels changed whose absolute target (as xcp.dmv writes them) the switch rewrote in the relative form.</summary>
    [JsonPropertyName("made_relative")]
    public required List<string> MadeRelative { get; init; }

    [JsonPropertyName("operation")]
    public required OperationState Operation { get; init; }

    [JsonPropertyName("hooks")]
    public required List<HookReply> Hooks { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }

    /// <summary>With --trial: the trial armed (null when nothing was switched, so nothing is on trial).</summary>
    [JsonPropertyName("trial")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ArmedTrialReply? Trial { get; init; }
}

public sealed class AutoSelectChoiceReply
{
    [JsonPropertyName("driver")]
    public required string Driver { get; init; }

    [JsonPropertyName("variant")]
    public required string Variant { get; init; }

    [JsonPropertyName("priority")]
    public JsonNumberText Priority { get; init; }

    [JsonPropertyName("version")]
    public required string Version { get; init; }

    [JsonPropertyName("match_specificity")]
    public int MatchSpecificity { get; init; }

    [JsonPropertyName("reason")]
    public required string Reason { get; init; }
}

public sealed class SelectedReply
{
    [JsonPropertyName("driver")]
    public required string Driver { get; init; }

    [JsonPropertyName("variant")]
    public required string Variant { get; init; }

    [JsonPropertyName("kernels")]
    public required List<string> Kernels { get; init; }

    [JsonPropertyName("failed_kernels")]
    public required List<KernelFailureReply> FailedKernels { get; init; }
}

/// <summary>The reply of reconcile: what was done for each driver, the hooks, the exit status.</summary>
public sealed class ReconcileReply
{
    [JsonPropertyName("reconciled")]
    public required List<ReconciledReply> Reconciled { get; init; }

    /// <summary>Links of other drivers in the kernels changed whose absolute target (as xcp.dmv writes them) the switch rewrote in the relative form.</summary>
    [JsonPropertyName("made_relative")]
    public required List<string> MadeRelative { get; init; }


    [JsonPropertyName("hooks")]
    public required List<HookReply> Hooks { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }
}

public sealed class ReconciledReply
{
    [JsonPropertyName("driver")]
    public required string Driver { get; init; }

    /// <summary>kept, re-pointed, deselected, selected or failed.</summary>
    [JsonPropertyName("action")]
    public required string Action { get; init; }

    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("detail")]
    public required string Detail { get; init; }

    [JsonPropertyName("failed_kernels")]
    public required List<KernelFailureReply> FailedKernels { get; init; }
}

/// <summary>The reply of verify: whether the tree is clean, and each problem found (and mended, with --repair).</summary>
public sealed class VerifyReply
{
    [JsonPropertyName("clean")]
    public bool Clean { get; init; }

    [JsonPropertyName("problems")]
    public required List<ProblemReply> Problems { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }
}

public sealed class ProblemReply
{
    [JsonPropertyName("kind")]
    public required string Kind { get; init; }

    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("detail")]
    public required string Detail { get; init; }

    [JsonPropertyName("repaired")]
    public bool Repaired { get; init; }
}
