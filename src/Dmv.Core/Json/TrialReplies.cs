using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>-l's top-level "trial" (the contract's shape): the last trial, pending or how it ended.</summary>
internal sealed class TrialReply
{
    public required string Id { get; init; }

    public required string State { get; init; }

    public int TriesLeft { get; init; }

    public required List<TrialDriverReply> Drivers { get; init; }

    public string? Reason { get; init; }
}

internal sealed class TrialDriverReply
{
    public required string Driver { get; init; }

    public required string Variant { get; init; }

    public string? Previous { get; init; }

    /// <summary>driver-tool trial only: per kernel, what it goes back to.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<TrialKernelReply>? Kernels { get; init; }
}

internal sealed class TrialKernelReply
{
    public required string Kernel { get; init; }

    public string? Previous { get; init; }
}

/// <summary>driver-tool trial: the record in full, or null when no trial was ever made.</summary>
internal sealed class TrialRecordReply
{
    public TrialDetailReply? Trial { get; init; }

    public int Exit { get; init; }
}

internal sealed class TrialDetailReply
{
    public required string Id { get; init; }

    public required string State { get; init; }

    public bool Armed { get; init; }

    public int Tries { get; init; }

    public int TriesLeft { get; init; }

    public required string BootConfig { get; init; }

    public required string ArmedAt { get; init; }

    public string? EndedAt { get; init; }

    public string? Reason { get; init; }

    /// <summary>Why grub could not count this trial now (its hook is missing from grub.cfg, say), or null.</summary>
    public string? BootLoaderProblem { get; init; }

    public required List<TrialDriverReply> Drivers { get; init; }
}

/// <summary>trial boot (the initrd's /run/driver-tool/boot.json), trial settle and trial rollback: the decision and what was switched back.</summary>
internal sealed class TrialDecisionReply
{
    public string? Trial { get; init; }

    public required string Decision { get; init; }

    public string? Reason { get; init; }

    public string? Detail { get; init; }

    public string? Token { get; init; }

    public required List<RolledBackReply> RolledBack { get; init; }

    public required List<HookReply> Hooks { get; init; }

    public int Exit { get; init; }
}

internal sealed class RolledBackReply
{
    public required string Driver { get; init; }

    /// <summary>What the kernels went back to: a variant, or null for the in-tree module.</summary>
    public string? Variant { get; init; }

    public required List<string> Kernels { get; init; }

    public required List<KernelFailureReply> FailedKernels { get; init; }
}

/// <summary>trial confirm: the record as it ended.</summary>
internal sealed class TrialConfirmReply
{
    public required TrialReply Trial { get; init; }

    public int Exit { get; init; }
}

/// <summary>trial enable and disable: grub.cfg and the block (paths on the managed system), and whether they were written.</summary>
internal sealed class BootLoaderReply
{
    public required string BootConfig { get; init; }

    public required string Block { get; init; }

    public bool Changed { get; init; }

    public int Exit { get; init; }
}

/// <summary>What select --trial and auto-select --trial armed.</summary>
internal sealed class ArmedTrialReply
{
    public required string Id { get; init; }

    public int Tries { get; init; }

    public required string BootConfig { get; init; }
}
