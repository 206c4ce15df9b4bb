using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>The reply of kernels: each installed release, what it has and how it boots.</summary>
internal sealed class KernelsReply
{
    public required List<KernelReply> Kernels { get; init; }

    public int Exit { get; init; }
}

internal sealed class KernelReply
{
    public required string Release { get; init; }

    public bool Running { get; init; }

    public string? Image { get; init; }

    [JsonPropertyName("modules_dir")]
    public string? ModulesDirectory { get; init; }

    public int Modules { get; init; }

    public required KernelDmvReply Dmv { get; init; }

    /// <summary>Where the configuration came from, or null.</summary>
    public string? Config { get; init; }

    public required KernelXenReply Xen { get; init; }

    public string? Symvers { get; init; }

    public ModuleSigningReply? ModuleSigning { get; init; }

    public required List<string> Problems { get; init; }
}

internal sealed class KernelDmvReply
{
    public int Drivers { get; init; }

    public int Variants { get; init; }

    /// <summary>Driver → selected variant, in name order.</summary>
    public required Dictionary<string, string> Selected { get; init; }
}

internal sealed class KernelXenReply
{
    public bool? PvOnly { get; init; }

    public bool? PvopsGuest { get; init; }

    public bool? Pvh { get; init; }

    public bool? Pvhvm { get; init; }

    public List<string>? BootsOn { get; init; }
}

internal sealed class ModuleSigningReply
{
    public bool Sig { get; init; }

    public bool SigForce { get; init; }

    public string? Hash { get; init; }

    public string? Compression { get; init; }
}
