using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>A check's verdict and why: a signature's verification in inspect, a kABI check in explain.</summary>
public sealed class VerdictReply
{
    [JsonPropertyName("status")]
    public required string Status { get; init; }

    [JsonPropertyName("detail")]
    public required string Detail { get; init; }
}
