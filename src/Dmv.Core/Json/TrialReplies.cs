using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>-l's top-level "trial" (the contract's shape): the last trial, pending or how it ended.</summary>
public sealed class TrialReply
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("tries_left")]
    public int TriesLeft { get; init; }

    [JsonPropertyName("drivers")]
    public required List<TrialDriverReply> Drivers { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }
}

public sealed class TrialDriverReply
{
    [JsonPropertyName("driver")]
    public required string Driver { get; init; }

    [JsonPropertyName("variant")]
    public required string Variant { get; init; }

    [JsonPropertyName("previous")]
    public string? Previous { get; init; }

    /// <summary>driver-tool trial only: per kernel, what it goes back to.</summary>
    [JsonPropertyName("kernels")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<TrialKernelReply>? Kernels { get; init; }
}

public sealed class TrialKernelReply
{
    [JsonPropertyName("kernel")]
    public required string Kernel { get; init; }

    [JsonPropertyName("previous")]
    public string? Previous { get; init; }
}

/// <summary>driver-tool trial: the record in full, or null when no trial was ever made.</summary>
public sealed class TrialRecordReply
{
    [JsonPropertyName("trial")]
    public TrialDetailReply? Trial { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }
}

public sealed class TrialDetailReply
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("state")]
    public required string State { get; init; }

    [JsonPropertyName("armed")]
    public bool Armed { get; init; }

    [JsonPropertyName("tries")]
    public int Tries { get; init; }

    [JsonPropertyName("tries_left")]
    public int TriesLeft { get; init; }

    [JsonPropertyName("boot_config")]
    public required string BootConfig { get; init; }

    [JsonPropertyName("armed_at")]
    public required string ArmedAt { get; init; }

    [JsonPropertyName("ended_at")]
    public string? EndedAt { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    /// <summary>Why grub could not count this trial now (its hook is missing from grub.cfg, say), or null.</summary>
    [JsonPropertyName("boot_loader_problem")]
    public string? BootLoaderProblem { get; init; }

    [JsonPropertyName("drivers")]
    public required List<TrialDriverReply> Drivers { get; init; }
}

/// <summary>trial boot (the initrd's /run/driver-tool/boot.json), trial settle and trial rollback: the decision and what was switched back.</summary>
public sealed class TrialDecisionReply
{
    [JsonPropertyName("trial")]
    public string? Trial { get; init; }

    [JsonPropertyName("decision")]
    public required string Decision { get; init; }

    [JsonPropertyName("reason")]
    public string? Reason { get; init; }

    [JsonPropertyName("detail")]
    public string? Detail { get; init; }

    [JsonPropertyName("token")]
    public string? Token { get; init; }

    [JsonPropertyName("rolled_back")]
    public required List<RolledBackReply> RolledBack { get; init; }

    [JsonPropertyName("hooks")]
    public required List<HookReply> Hooks { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }
}

public sealed class RolledBackReply
{
    [JsonPropertyName("driver")]
    public required string Driver { get; init; }

    /// <summary>What the kernels went back to: a variant, or null for the in-tree module.</summary>
    [JsonPropertyName("variant")]
    public string? Variant { get; init; }

    [JsonPropertyName("kernels")]
    public required List<string> Kernels { get; init; }

    [JsonPropertyName("failed_kernels")]
    public required List<KernelFailureReply> FailedKernels { get; init; }
}

/// <summary>trial confirm: the record as it ended.</summary>
public sealed class TrialConfirmReply
{
    [JsonPropertyName("trial")]
    public required TrialReply Trial { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }
}

/// <summary>trial enable and disable: grub.cfg and the block (paths on the managed system), and whether they were written.</summary>
public sealed class BootLoaderReply
{
    [JsonPropertyName("boot_config")]
    public required string BootConfig { get; init; }

    [JsonPropertyName("block")]
    public required string Block { get; init; }

    [JsonPropertyName("changed")]
    public bool Changed { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }
}

/// <summary>What select --trial and auto-select --trial armed.</summary>
public sealed class ArmedTrialReply
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("tries")]
    public int Tries { get; init; }

    [JsonPropertyName("boot_config")]
    public required string BootConfig { get; init; }
}
