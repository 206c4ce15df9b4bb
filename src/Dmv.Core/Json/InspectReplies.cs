using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>
/// One module of <c>driver-tool inspect</c>'s reply. The reply itself, <c>{"modules": [...], "exit": N}</c>,
/// is streamed a module at a time so that memory stays bounded however many modules are named.
/// </summary>
public sealed class ModuleReply
{
    [JsonPropertyName("file")]
    public required string File { get; init; }

    [JsonPropertyName("compression")]
    public required string Compression { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }

    [JsonPropertyName("notes")]
    public required List<NoteReply> Notes { get; init; }

    /// <summary>.modinfo's fields in file order; repeated keys (and alias, parm … always) as lists.</summary>
    [JsonPropertyName("modinfo")]
    public required ModInfoFields ModInfo { get; init; }

    [JsonPropertyName("vermagic")]
    public string? Vermagic { get; init; }

    [JsonPropertyName("depends")]
    public required List<string> Depends { get; init; }

    /// <summary>The number of __versions entries; null when the module has no such section.</summary>
    [JsonPropertyName("versions")]
    public int? Versions { get; init; }

    [JsonPropertyName("signature")]
    public required SignatureReply Signature { get; init; }

    /// <summary>Present only when --trusted-keys asked for the signature to be verified.</summary>
    [JsonPropertyName("verification")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VerdictReply? Verification { get; init; }
}

public sealed class NoteReply
{
    [JsonPropertyName("section")]
    public required string Section { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("type")]
    public uint Type { get; init; }

    [JsonPropertyName("desc")]
    public required string Descriptor { get; init; }
}

/// <summary>The appended signature as modinfo names its parts; every key but <c>present</c> is null for an unsigned module.</summary>
public sealed class SignatureReply
{
    [JsonPropertyName("present")]
    public bool Present { get; init; }

    [JsonPropertyName("id_type")]
    public string? IdType { get; init; }

    [JsonPropertyName("signer")]
    public string? Signer { get; init; }

    [JsonPropertyName("sig_key")]
    public string? KeyId { get; init; }

    [JsonPropertyName("sig_hashalgo")]
    public string? HashAlgorithm { get; init; }

    [JsonPropertyName("length")]
    public int? Length { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }
}
