using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>
/// One module of <c>driver-tool inspect</c>'s reply. The reply itself, <c>{"modules": [...], "exit": N}</c>,
/// is streamed a module at a time so that memory stays bounded however many modules are named.
/// </summary>
internal sealed class ModuleReply
{
    public required string File { get; init; }

    public required string Compression { get; init; }

    public string? Error { get; init; }

    public required List<NoteReply> Notes { get; init; }

    /// <summary>.modinfo's fields in file order; repeated keys (and alias, parm … always) as lists.</summary>
    [JsonPropertyName("modinfo")]
    public required ModInfoFields ModInfo { get; init; }

    public string? Vermagic { get; init; }

    public required List<string> Depends { get; init; }

    /// <summary>The number of __versions entries; null when the module has no such section.</summary>
    public int? Versions { get; init; }

    public required SignatureReply Signature { get; init; }

    /// <summary>Present only when --trusted-keys asked for the signature to be verified.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VerdictReply? Verification { get; init; }
}

internal sealed class NoteReply
{
    public required string Section { get; init; }

    public required string Name { get; init; }

    public uint Type { get; init; }

    [JsonPropertyName("desc")]
    public required string Descriptor { get; init; }
}

/// <summary>The appended signature as modinfo names its parts; every key but <c>present</c> is null for an unsigned module.</summary>
internal sealed class SignatureReply
{
    public bool Present { get; init; }

    public string? IdType { get; init; }

    public string? Signer { get; init; }

    [JsonPropertyName("sig_key")]
    public string? KeyId { get; init; }

    [JsonPropertyName("sig_hashalgo")]
    public string? HashAlgorithm { get; init; }

    public int? Length { get; init; }

    public string? Error { get; init; }
}
