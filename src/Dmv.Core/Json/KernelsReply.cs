using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>The reply of kernels: each installed release, what it has and how it boots.</summary>
public sealed class KernelsReply
{
    [JsonPropertyName("kernels")]
    public required List<KernelReply> Kernels { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }
}

public sealed class KernelReply
{
    [JsonPropertyName("release")]
    public required string Release { get; init; }

    [JsonPropertyName("running")]
    public bool Running { get; init; }

    [JsonPropertyName("image")]
    public string? Image { get; init; }

    [JsonPropertyName("modules_dir")]
    public string? ModulesDirectory { get; init; }

    [JsonPropertyName("modules")]
    public int Modules { get; init; }

    [JsonPropertyName("dmv")]
    public required KernelDmvReply Dmv { get; init; }

    /// <summary>Where the configuration came from, or null.</summary>
    [JsonPropertyName("config")]
    public string? Config { get; init; }

    [JsonPropertyName("xen")]
    public required KernelXenReply Xen { get; init; }

    [JsonPropertyName("symvers")]
    public string? Symvers { get; init; }

    [JsonPropertyName("module_signing")]
    public ModuleSigningReply? ModuleSigning { get; init; }

    [JsonPropertyName("problems")]
    public required List<string> Problems { get; init; }
}

public sealed class KernelDmvReply
{
    [JsonPropertyName("drivers")]
    public int Drivers { get; init; }

    [JsonPropertyName("variants")]
    public int Variants { get; init; }

    /// <summary>Driver → selected variant, in name order.</summary>
    [JsonPropertyName("selected")]
    public required Dictionary<string, string> Selected { get; init; }
}

public sealed class KernelXenReply
{
    [JsonPropertyName("pv_only")]
    public bool? PvOnly { get; init; }

    [JsonPropertyName("pvops_guest")]
    public bool? PvopsGuest { get; init; }

    [JsonPropertyName("pvh")]
    public bool? Pvh { get; init; }

    [JsonPropertyName("pvhvm")]
    public bool? Pvhvm { get; init; }

    [JsonPropertyName("boots_on")]
    public List<string>? BootsOn { get; init; }
}

public sealed class ModuleSigningReply
{
    [JsonPropertyName("sig")]
    public bool Sig { get; init; }

    [JsonPropertyName("sig_force")]
    public bool SigForce { get; init; }

    [JsonPropertyName("hash")]
    public string? Hash { get; init; }

    [JsonPropertyName("compression")]
    public string? Compression { get; init; }
}
