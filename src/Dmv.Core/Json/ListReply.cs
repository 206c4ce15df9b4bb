using System.Text.Json.Serialization;
using Dmv.Core.Catalog;

namespace Dmv.Core.Json;

/// <summary>The reply of <c>driver-tool -l</c>, shaped as the toolstack and the installer parse it.</summary>
public sealed class ListReply
{
    [JsonPropertyName("protocol")]
    public ProtocolVersion Protocol { get; init; } = new();

    [JsonPropertyName("operation")]
    public OperationState Operation { get; init; } = new();

    /// <summary>The last trial selection (see driver-tool(8)); left out when none was ever made, so a host without trials answers as before.</summary>
    [JsonPropertyName("trial")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TrialReply? Trial { get; init; }

    [JsonPropertyName("drivers")]
    public Dictionary<string, DriverReply> Drivers { get; init; } = new();

    public ListReply WithTrial(TrialReply trial) => new() { Protocol = Protocol, Operation = Operation, Trial = trial, Drivers = Drivers };
}

public sealed class ProtocolVersion
{
    [JsonPropertyName("version")]
    public double Version { get; init; } = 0.1;
}

public sealed class OperationState
{
    [JsonPropertyName("reboot")]
    public bool Reboot { get; init; }
}

public sealed class DriverReply
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("friendly_name")]
    public required string FriendlyName { get; init; }

    [JsonPropertyName("description")]
    public required string Description { get; init; }

    [JsonPropertyName("info")]
    public required string Info { get; init; }

    [JsonPropertyName("selected")]
    public string? Selected { get; init; }

    [JsonPropertyName("active")]
    public string? Active { get; init; }

    [JsonPropertyName("loaded modules")]
    public required List<string> LoadedModules { get; init; }

    [JsonPropertyName("variants")]
    public required Dictionary<string, VariantReply> Variants { get; init; }
}

public sealed class VariantReply
{
    [JsonPropertyName("version")]
    public required string Version { get; init; }

    [JsonPropertyName("hardware_present")]
    public bool HardwarePresent { get; init; }

    [JsonPropertyName("priority")]
    public JsonNumberText Priority { get; init; }

    [JsonPropertyName("status")]
    public required string Status { get; init; }
}
