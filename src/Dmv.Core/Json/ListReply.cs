using System.Text.Json.Serialization;
using Dmv.Core.Catalog;

namespace Dmv.Core.Json;

/// <summary>The reply of <c>driver-tool -l</c>, shaped as the toolstack and the installer parse it.</summary>
public sealed class ListReply
{
    public ProtocolVersion Protocol { get; init; } = new();

    public OperationState Operation { get; init; } = new();

    /// <summary>The last trial selection (see driver-tool(8)); left out when none was ever made, so a host without trials answers as before.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TrialReply? Trial { get; init; }

    public Dictionary<string, DriverReply> Drivers { get; init; } = new();

    public ListReply WithTrial(TrialReply trial) => new() { Protocol = Protocol, Operation = Operation, Trial = trial, Drivers = Drivers };
}

public sealed class ProtocolVersion
{
    public double Version { get; init; } = 0.1;
}

public sealed class OperationState
{
    public bool Reboot { get; init; }
}

public sealed class DriverReply
{
    public required string Type { get; init; }

    public required string FriendlyName { get; init; }

    public required string Description { get; init; }

    public required string Info { get; init; }

    public string? Selected { get; init; }

    public string? Active { get; init; }

    [JsonPropertyName("loaded modules")]
    public required List<string> LoadedModules { get; init; }

    public required Dictionary<string, VariantReply> Variants { get; init; }
}

public sealed class VariantReply
{
    public required string Version { get; init; }

    public bool HardwarePresent { get; init; }

    public JsonNumberText Priority { get; init; }

    public required string Status { get; init; }
}
