using Dmv.Core.Diagnostics;
using Dmv.Core.Elf;
using Dmv.Core.FileSystem;
using Dmv.Core.Signing;
using Microsoft.Extensions.ObjectPool;

namespace Dmv.Core.Modules;

/// <summary>
/// Reads a module file (plain, gzip, xz or zstd, told apart by their first bytes): its notes,
/// .modinfo, __versions and appended signature. Every file is read with pread into a worker's
/// reused buffer (only the sections a report needs, when no signature is checked), never mapped:
/// a mapped file that shrinks while it is read kills the process with SIGBUS. Any problem is a reason in the report for that file; nothing escapes as
/// an exception.
/// </summary>
internal sealed class ModuleInspector(NativeCodecs codecs)
{
    private const long MaxFileBytes = 512L << 20;

    // One read buffer per worker, grown to the largest module it has met, instead of one per file.
    private readonly DefaultObjectPool<ReadBuffer> _buffers = new(new DefaultPooledObjectPolicy<ReadBuffer>(), Environment.ProcessorCount);

    /// <param name="withBytes">Called with the module's bytes (decompressed) while they are still at hand, e.g. to verify its signature.</param>
    /// <param name="symbols">Read the imported symbols' names and the exports (for kABI); otherwise only their count.</param>
    public ModuleReport Inspect(HostRoot root, string hostPath, string displayPath, ModuleBytesVisitor? withBytes = null, bool symbols = true)
    {
        if (!root.TryOpenFile(hostPath, out FileHandle file, out Failure? failure, expected: "module file"))
        {
            // The report names the file as the caller did.
            return new ModuleReport { File = displayPath, Error = failure.DetailAt(root.RealPathOf(hostPath)), ErrorNumber = failure.Errno };
        }

        ReadBuffer buffer = _buffers.Get();
        using (file)
        try
        {
            byte[] bytes = buffer.Bytes;
            int length;
            int errno;
            // Without a signature to check, only the parts a report needs are read.
            bool read = SparseModuleRead.TryRead(file, MaxFileBytes, sparse: withBytes is null, symbols, ref bytes, out length, out errno, out string? reason);
            buffer.Bytes = bytes;
            if (!read)
            {
                return new ModuleReport { File = displayPath, Error = reason ?? (errno == Errno.EFBIG ? $"larger than {MaxFileBytes >> 20} MiB" : Errno.Describe(errno)), ErrorNumber = errno };
            }

            ReadOnlySpan<byte> data = bytes.AsSpan(0, length);
            Compression compression = Compressions.Detect(data);
            if (compression == Compression.None)
            {
                return Visit(Read(data, displayPath, compression, symbols), data, withBytes);
            }

            if (!codecs.TryDecompress(compression, data, out byte[] module, out string error, out int decompressErrno))
            {
                return new ModuleReport { File = displayPath, Compression = compression, Error = error, ErrorNumber = decompressErrno };
            }

            return Visit(Read(module, displayPath, compression, symbols), module, withBytes);
        }
        finally
        {
            _buffers.Return(buffer);
        }
    }

    /// <summary>A worker's module buffer.</summary>
    private sealed class ReadBuffer
    {
        public byte[] Bytes { get; set; } = new byte[256 * 1024];
    }

    private static ModuleReport Visit(ModuleReport report, ReadOnlySpan<byte> module, ModuleBytesVisitor? visitor)
    {
        visitor?.Invoke(report, module);
        return report;
    }

    public static ModuleReport Read(ReadOnlySpan<byte> file, string displayPath, Compression compression = Compression.None, bool symbols = true)
    {
        var report = new ModuleReport { File = displayPath, Compression = compression };

        ReadOnlySpan<byte> image = file;
        if (ModuleSignature.TryFind(file, out ModuleSignature? signature, out string? signatureError))
        {
            image = file[..signature.SignedLength];
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
            if (section.Type != ElfLayout.SectionNote)
            {
                continue;
            }

            var reader = new ElfNoteReader(section.Bytes(image));
            while (reader.TryReadNext(out ElfNote note))
            {
                report.Notes.Add(new NoteRecord(section.Name(image), System.Text.Encoding.UTF8.GetString(note.Name), note.Type, note.Descriptor.ToArray()));
            }

            if (reader.Error is not null)
            {
                report.Error = $"{section.Name(image)}: {reader.Error}";
                return report;
            }
        }

        if (ElfReader.Find(image, sections, ModuleSections.ModInfo) is ElfSection modinfo)
        {
            report.ModInfo = ModInfo.Parse(modinfo.Bytes(image));
        }

        if (symbols && ElfReader.Find(image, sections, ModuleSections.ExportedSymbols) is ElfSection exports)
        {
            foreach (string symbol in System.Text.Encoding.UTF8.GetString(exports.Bytes(image)).Split('\0', StringSplitOptions.RemoveEmptyEntries))
            {
                report.Exports.Add(symbol);
            }
        }

        if (ElfReader.Find(image, sections, ModuleSections.Versions) is ElfSection versions)
        {
            report.HasVersions = true;
            List<SymbolVersion> entries = [];
            if (!VersionsTable.TryCount(versions.Bytes(image), out int count, out error)
                || (symbols && !VersionsTable.TryParse(versions.Bytes(image), out entries, out error)))
            {
                report.Error = error;
                return report;
            }

            report.VersionCount = count;
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
            ? new SignatureReport(signature.IdTypeName, signer.Signer, signer.KeyId, signer.HashAlgorithm, signature.SignatureLength, signature.MalformedReason)
            : new SignatureReport(signature.IdTypeName, null, null, null, signature.SignatureLength, error);
    }
}
