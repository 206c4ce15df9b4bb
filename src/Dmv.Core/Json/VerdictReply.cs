
namespace Dmv.Core.Json;

/// <summary>A check's verdict and why: a signature's verification in inspect, a kABI check in explain.</summary>
internal sealed class VerdictReply
{
    public required string Status { get; init; }

    public required string Detail { get; init; }
}
