using System.Text.Json.Serialization;

namespace Dmv.Core.Switching;

/// <summary>The journal's source-generated serializer: state-file conventions (see <see cref="State.StateJson"/>), its own context.</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.Never, GenerationMode = JsonSourceGenerationMode.Serialization, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(SwitchJournal))]
internal sealed partial class JournalJsonContext : JsonSerializerContext
{
}
