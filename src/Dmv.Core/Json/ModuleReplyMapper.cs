using Dmv.Core.Modules;

namespace Dmv.Core.Json;

/// <summary>Shapes a <see cref="ModuleReport"/> as inspect's reply names it.</summary>
internal static class ModuleReplyMapper
{
    public static ModuleReply Map(ModuleReport report)
    {
        var notes = new List<NoteReply>(report.Notes.Count);
        foreach (NoteRecord note in report.Notes)
        {
            notes.Add(new NoteReply { Section = note.Section, Name = note.Name, Type = note.Type, Descriptor = Convert.ToHexStringLower(note.Descriptor) });
        }

        SignatureReport? signature = report.Signature;
        return new ModuleReply
        {
            File = report.File,
            Compression = report.Compression.Word(),
            Error = report.Error,
            Notes = notes,
            ModInfo = new ModInfoFields(report.ModInfo.Fields),
            Vermagic = report.ModInfo.First("vermagic"),
            Depends = report.ModInfo.Depends,
            Versions = report.HasVersions ? report.VersionCount : null,
            Signature = new SignatureReply
            {
                Present = signature is not null,
                IdType = signature?.IdType,
                Signer = signature?.Signer,
                KeyId = signature?.KeyId,
                HashAlgorithm = signature?.HashAlgorithm,
                Length = signature?.Length,
                Error = signature?.Error,
            },
            Verification = report.Verification is { } verdict ? new VerdictReply { Status = verdict.StatusName, Detail = verdict.Detail } : null,
        };
    }
}
