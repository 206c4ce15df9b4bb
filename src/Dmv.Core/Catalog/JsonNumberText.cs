namespace Dmv.Core.Catalog;

/// <summary>
/// A JSON number kept exactly as info.json wrote it ("40", "40.5", "1e2"), so the listing
/// repeats it unchanged, together with its value for ordering.
/// </summary>
[System.Text.Json.Serialization.JsonConverter(typeof(Dmv.Core.Catalog.JsonNumberTextConverter))]
internal readonly record struct JsonNumberText(string Text, double Value)
{
    public override string ToString() => Text;
}
