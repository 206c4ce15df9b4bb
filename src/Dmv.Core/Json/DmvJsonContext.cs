using System.Text.Json.Serialization;

namespace Dmv.Core.Json;

/// <summary>Source-generated serializers for every reply: no reflection, so the tool trims and compiles ahead of time.</summary>
// Serialization only: the tool never reads these back, and the reading machinery would grow the executable every start pays for.
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never, GenerationMode = JsonSourceGenerationMode.Serialization, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ListReply))]
// These write "priority" (the number exactly as info.json has it) or .modinfo through a converter, which needs metadata.
[JsonSerializable(typeof(VariantReply))]
[JsonSerializable(typeof(AutoSelectChoiceReply))]
[JsonSerializable(typeof(VariantExplanationReply))]
// inspect's .modinfo object is written by its converter: repeated keys become lists.
[JsonSerializable(typeof(ModuleReply))]
[JsonSerializable(typeof(ErrorReply))]
[JsonSerializable(typeof(SelectReply))]
[JsonSerializable(typeof(DeselectReply))]
[JsonSerializable(typeof(AutoSelectReply))]
[JsonSerializable(typeof(VerifyReply))]
[JsonSerializable(typeof(ReconcileReply))]
[JsonSerializable(typeof(KernelsReply))]
[JsonSerializable(typeof(ExplainReply))]
[JsonSerializable(typeof(HistoryReply))]
[JsonSerializable(typeof(TrialRecordReply))]
[JsonSerializable(typeof(TrialDecisionReply))]
[JsonSerializable(typeof(TrialConfirmReply))]
[JsonSerializable(typeof(BootLoaderReply))]
internal sealed partial class DmvJsonContext : JsonSerializerContext
{
}
