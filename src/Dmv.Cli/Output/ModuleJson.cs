using System.Text.Json;
using Dmv.Core.Modules;

namespace Dmv.Cli.Output;

/// <summary>One module of the inspect reply. Repeated .modinfo keys (alias, parm…) become lists.</summary>
public static class ModuleJson
{
    public static void Write(Utf8JsonWriter json, ModuleReport report)
    {
        json.WriteStartObject();
        json.WriteString("file", report.File);
        json.WriteString("compression", report.Compression.ToString().ToLowerInvariant());
        if (report.Error is null)
        {
            json.WriteNull("error");
        }
        else
        {
            json.WriteString("error", report.Error);
        }

        json.WriteStartArray("notes");
        foreach (NoteRecord note in report.Notes)
        {
            json.WriteStartObject();
            json.WriteString("section", note.Section);
            json.WriteString("name", note.Name);
            json.WriteNumber("type", note.Type);
            json.WriteString("desc", Convert.ToHexStringLower(note.Descriptor));
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteStartObject("modinfo");
        foreach (IGrouping<string, KeyValuePair<string, string>> field in report.ModInfo.Fields.GroupBy(f => f.Key))
        {
            string[] values = field.Select(f => f.Value).ToArray();
            if (values.Length == 1 && field.Key is not ("alias" or "parm" or "parmtype" or "firmware" or "softdep" or "import_ns"))
            {
                json.WriteString(field.Key, values[0]);
                continue;
            }

            json.WriteStartArray(field.Key);
            foreach (string value in values)
            {
                json.WriteStringValue(value);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
        json.WriteOptional("vermagic", report.ModInfo.First("vermagic"));
        json.WriteStartArray("depends");
        foreach (string dependency in report.ModInfo.Depends)
        {
            json.WriteStringValue(dependency);
        }

        json.WriteEndArray();
        if (report.HasVersions)
        {
            json.WriteNumber("versions", report.VersionCount);
        }
        else
        {
            json.WriteNull("versions");
        }

        json.WriteStartObject("signature");
        json.WriteBoolean("present", report.Signature is not null);
        if (report.Signature is { } signature)
        {
            json.WriteString("id_type", signature.IdType);
            json.WriteOptional("signer", signature.Signer);
            json.WriteOptional("sig_key", signature.KeyId);
            json.WriteOptional("sig_hashalgo", signature.HashAlgorithm);
            json.WriteNumber("length", signature.Length);
            json.WriteOptional("error", signature.Error);
        }

        json.WriteEndObject();
        if (report.Verification is { } verdict)
        {
            json.WriteStartObject("verification");
            json.WriteString("status", verdict.StatusName);
            json.WriteString("detail", verdict.Detail);
            json.WriteEndObject();
        }

        json.WriteEndObject();
    }
}
