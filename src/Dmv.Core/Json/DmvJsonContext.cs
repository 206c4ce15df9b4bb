using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>Source-generated serializers for every reply: no reflection, so the tool trims and compiles ahead of time.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ListReply))]
[JsonSerializable(typeof(ErrorReply))]
[JsonSerializable(typeof(SelectReply))]
[JsonSerializable(typeof(DeselectReply))]
[JsonSerializable(typeof(AutoSelectReply))]
[JsonSerializable(typeof(VerifyReply))]
[JsonSerializable(typeof(Dmv.Core.State.SwitchJournal))]
[JsonSerializable(typeof(Dmv.Core.State.HistoryEntry))]
public sealed partial class DmvJsonContext : JsonSerializerContext
{
}
