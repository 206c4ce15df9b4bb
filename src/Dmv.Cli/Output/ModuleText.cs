using System.Text;
using Dmv.Core.Modules;

namespace Dmv.Cli.Output;

/// <summary>One module of inspect --format table: modinfo's layout, then notes, __versions and signature.</summary>
internal static class ModuleText
{
    public static string Render(ModuleReport report)
    {
        var text = new StringBuilder();
        Line(text, "filename", report.File);
        if (report.Compression != Compression.None)
        {
            Line(text, "compression", report.Compression.Word());
        }

        if (report.Error is not null)
        {
            Line(text, "error", report.Error);
        }

        foreach ((string key, string value) in report.ModInfo.Fields)
        {
            Line(text, key, value);
        }

        foreach (NoteRecord note in report.Notes)
        {
            Line(text, "note", $"{note.Section} {note.Name} type {note.Type} ({note.Descriptor.Length} bytes)");
        }

        Line(text, "versions", report.HasVersions ? $"{report.VersionCount} symbols" : "none");
        if (report.Signature is { } signature)
        {
            Line(text, "sig_id", signature.IdType);
            if (signature.Signer is not null) Line(text, "signer", signature.Signer);
            if (signature.KeyId is not null) Line(text, "sig_key", signature.KeyId);
            if (signature.HashAlgorithm is not null) Line(text, "sig_hashalgo", signature.HashAlgorithm);
            if (signature.Error is not null) Line(text, "sig_error", signature.Error);
        }
        else
        {
            Line(text, "signature", "none");
        }

        if (report.Verification is { } verdict)
        {
            Line(text, "verification", $"{verdict.StatusName}: {verdict.Detail}");
        }

        return text.Append('\n').ToString();
    }

    // A value is one line whatever a module's .modinfo holds: a newline in it must not forge a line of its own.
    private static void Line(StringBuilder text, string key, string value) =>
        text.Append(key).Append(':').Append(' ', Math.Max(1, 16 - key.Length - 1)).Append(Terminal.Printable(value, keepLines: false)).Append('\n');
}
