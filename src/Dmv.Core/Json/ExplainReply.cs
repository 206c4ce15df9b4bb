using System.Text.Json.Serialization;
using Dmv.Core.Catalog;

namespace Dmv.Core.Json;

/// <summary>The reply of <c>driver-tool explain NAME</c>: why each variant is or is not eligible.</summary>
public sealed class ExplainReply
{
    [JsonPropertyName("driver")]
    public required string Driver { get; init; }

    [JsonPropertyName("selected")]
    public string? Selected { get; init; }

    [JsonPropertyName("active")]
    public string? Active { get; init; }

    [JsonPropertyName("best_eligible_choice")]
    public string? BestEligibleChoice { get; init; }

    [JsonPropertyName("auto_select")]
    public required string AutoSelect { get; init; }

    [JsonPropertyName("signature_policy")]
    public required string SignaturePolicy { get; init; }

    [JsonPropertyName("trusted_certificates")]
    public int TrustedCertificates { get; init; }

    [JsonPropertyName("variants")]
    public required List<VariantExplanationReply> Variants { get; init; }

    [JsonPropertyName("exit")]
    public int Exit { get; init; }
}

public sealed class VariantExplanationReply
{
    [JsonPropertyName("variant")]
    public required string Variant { get; init; }

    [JsonPropertyName("version")]
    public required string Version { get; init; }

    [JsonPropertyName("priority")]
    public JsonNumberText Priority { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("eligible")]
    public bool Eligible { get; init; }

    [JsonPropertyName("reasons")]
    public required IReadOnlyList<string> Reasons { get; init; }

    [JsonPropertyName("pci_matches")]
    public required List<PciMatchReply> PciMatches { get; init; }

    [JsonPropertyName("kernels")]
    public required List<KernelCheckReply> Kernels { get; init; }
}

public sealed class PciMatchReply
{
    [JsonPropertyName("module")]
    public required string Module { get; init; }

    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("device")]
    public string? Device { get; init; }
}

public sealed class KernelCheckReply
{
    [JsonPropertyName("kernel")]
    public required string Kernel { get; init; }

    [JsonPropertyName("kabi")]
    public required VerdictReply Kabi { get; init; }

    [JsonPropertyName("modules")]
    public required List<ModuleCheckReply> Modules { get; init; }
}

public sealed class ModuleCheckReply
{
    [JsonPropertyName("module")]
    public required string Module { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("signature")]
    public string? Signature { get; init; }

    [JsonPropertyName("signature_detail")]
    public string? SignatureDetail { get; init; }

    [JsonPropertyName("note_problem")]
    public string? NoteProblem { get; init; }
}
