using Dmv.Core.Catalog;
using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>The reply of <c>driver-tool -l</c>, shaped as the toolstack and the installer parse it.</summary>
internal sealed class ListReply
{
    public ProtocolVersion Protocol { get; init; } = new();

    public OperationState Operation { get; init; } = new();

    /// <summary>The last trial selection (see driver-tool(8)); left out when none was ever made, so a host without trials answers as before.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public TrialReply? Trial { get; init; }

    public Dictionary<string, DriverReply> Drivers { get; init; } = new();

    public ListReply WithTrial(TrialReply trial) => new() { Protocol = Protocol, Operation = Operation, Trial = trial, Drivers = Drivers };
}

internal sealed class ProtocolVersion
{
    public double Version { get; init; } = 0.1;
}

internal sealed class OperationState
{
    public bool Reboot { get; init; }
}

internal sealed class DriverReply
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

internal sealed class VariantReply
{
    public required string Version { get; init; }

    public bool HardwarePresent { get; init; }

    public JsonNumberText Priority { get; init; }

    public required string Status { get; init; }
}
