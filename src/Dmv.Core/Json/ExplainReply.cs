using Dmv.Core.Catalog;

namespace Dmv.Core.Json;

/// <summary>The reply of <c>driver-tool explain NAME</c>: why each variant is or is not eligible.</summary>
internal sealed class ExplainReply
{
    public required string Driver { get; init; }

    public string? Selected { get; init; }

    public string? Active { get; init; }

    public string? BestEligibleChoice { get; init; }

    public required string AutoSelect { get; init; }

    public required string SignaturePolicy { get; init; }

    public int TrustedCertificates { get; init; }

    public required List<VariantExplanationReply> Variants { get; init; }

    public int Exit { get; init; }
}

internal sealed class VariantExplanationReply
{
    public required string Variant { get; init; }

    public required string Version { get; init; }

    public JsonNumberText Priority { get; init; }

    public required string Status { get; init; }

    public bool Eligible { get; init; }

    public required IReadOnlyList<string> Reasons { get; init; }

    public required List<PciMatchReply> PciMatches { get; init; }

    public required List<KernelCheckReply> Kernels { get; init; }
}

internal sealed class PciMatchReply
{
    public required string Module { get; init; }

    public required string Id { get; init; }

    public string? Device { get; init; }
}

internal sealed class KernelCheckReply
{
    public required string Kernel { get; init; }

    public required VerdictReply Kabi { get; init; }

    public required List<ModuleCheckReply> Modules { get; init; }
}

internal sealed class ModuleCheckReply
{
    public required string Module { get; init; }

    public string? Error { get; init; }

    public string? Signature { get; init; }

    public string? SignatureDetail { get; init; }

    public string? NoteProblem { get; init; }
}
