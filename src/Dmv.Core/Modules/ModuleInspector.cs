using Dmv.Core.Elf;
using Dmv.Core.FileSystem;
using Dmv.Core.Signing;

namespace Dmv.Core.Modules;

/// <summary>
/// Reads a module file (plain, gzip, xz or zstd): its notes, .modinfo, __versions and appended
/// signature. Plain files are mapped, not copied. Any problem is a reason in the report for that
/// file; nothing escapes as an exception.
/// </summary>
public sealed class ModuleInspector(NativeCodecs codecs)
{
    private const long MaxFileBytes = 512L << 20;

    /// <param name="keepBytes">Keep the module's bytes in the report, for signature verification.</param>
    public ModuleReport Inspect(string realPath, string displayPath, bool keepBytes = false)
    {
        if (!MappedFile.TryOpen(realPath, MaxFileBytes, out MappedFile? mapped, out int errno))
        {
            return new ModuleReport { File = displayPath, Error = errno == Errno.EFBIG ? $"larger than {MaxFileBytes >> 20} MiB" : Errno.Describe(errno) };
        }

        using (mapped)
        {
            ReadOnlySpan<byte> data = mapped!.Span;
            Compression compression = NativeCodecs.Detect(realPath, data[..Math.Min(8, data.Length)]);
            if (compression == Compression.None)
            {
                return Read(data, displayPath, compression, keepBytes);
            }

            if (!codecs.TryDecompress(compression, data, out byte[] module, out string error))
            {
                return new ModuleReport { File = displayPath, Compression = compression, Error = error };
            }

            return Read(module, displayPath, compression, keepBytes);
        }
    }

    public static ModuleReport Read(ReadOnlySpan<byte> file, string displayPath, Compression compression = Compression.None, bool keepBytes = false)
    {
        var report = new ModuleReport { File = displayPath, Compression = compression };
        if (keepBytes)
        {
            report.Bytes = file.ToArray();
        }

        ReadOnlySpan<byte> image = file;
        if (ModuleSignature.TryFind(file, out ModuleSignature? signature, out string? signatureError))
        {
            image = file[..signature!.SignedLength];
            report.Signature = Describe(signature, file);
        }
        else if (signatureError is not null)
        {
            report.Signature = new SignatureReport("?", null, null, null, 0, signatureError);
        }

        if (!ElfReader.TryReadSections(image, out List<ElfSection> sections, out string error))
        {
            report.Error = error;
            return report;
        }

        foreach (ElfSection section in sections)
        {
            if (section.Type != ElfSection.Note)
            {
                continue;
            }

            var reader = new ElfNoteReader(section.Bytes(image));
            while (reader.TryReadNext(out ElfNote note))
            {
                report.Notes.Add(new NoteRecord(section.Name, System.Text.Encoding.UTF8.GetString(note.Name), note.Type, note.Descriptor.ToArray()));
            }

            if (reader.Error is not null)
            {
                report.Error = $"{section.Name}: {reader.Error}";
                return report;
            }
        }

        if (ElfReader.Find(sections, ".modinfo") is ElfSection modinfo)
        {
            report.ModInfo = ModInfo.Parse(modinfo.Bytes(image));
        }

        if (ElfReader.Find(sections, "__ksymtab_strings") is ElfSection exports)
        {
            foreach (string symbol in System.Text.Encoding.UTF8.GetString(exports.Bytes(image)).Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                report.Exports.Add(symbol);
            }
        }

        if (ElfReader.Find(sections, "__versions") is ElfSection versions)
        {
            report.HasVersions = true;
            if (!VersionsTable.TryParse(versions.Bytes(image), out List<SymbolVersion> entries, out error))
            {
                report.Error = error;
                return report;
            }

            report.Versions = entries;
        }

        return report;
    }

    private static SignatureReport Describe(ModuleSignature signature, ReadOnlySpan<byte> file)
    {
        if (signature.IdType != ModuleSignature.Pkcs7)
        {
            return new SignatureReport(signature.IdTypeName, null, null, null, signature.SignatureLength, null);
        }

        return Pkcs7Signer.TryParse(signature.Signature(file), out Pkcs7Signer? signer, out string error)
            ? new SignatureReport(signature.IdTypeName, signer!.Signer, signer.KeyId, signer.HashAlgorithm, signature.SignatureLength, null)
            : new SignatureReport(signature.IdTypeName, null, null, null, signature.SignatureLength, error);
    }
}
