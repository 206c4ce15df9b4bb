namespace Dmv.Core.Modules;

/// <summary>
/// Everything driver-tool reads from one module file. <see cref="Error"/> set means the file could
/// not be read as a module (the reason is for that file only); the other fields are then partial.
/// </summary>
internal sealed class ModuleReport
{
    public required string File { get; init; }
    public Compression Compression { get; init; }
    public string? Error { get; set; }

    /// <summary>The errno that goes with <see cref="Error"/>, where the failure has one (ENOENT, EISDIR …); 0 for a file that is not a valid module.</summary>
    public int ErrorNumber { get; set; }
    public List<NoteRecord> Notes { get; } = new();
    public ModInfo ModInfo { get; set; } = new();
    public List<SymbolVersion> Versions { get; set; } = new();
    public bool HasVersions { get; set; }

    /// <summary>How many entries __versions has (its symbols are only read when asked for).</summary>
    public int VersionCount { get; set; }
    public SignatureReport? Signature { get; set; }

    /// <summary>The signature checked against trusted certificates, when inspect was asked to (--trusted-keys).</summary>
    public Signing.SignatureVerdict? Verification { get; set; }

    /// <summary>The symbols the module exports (from __ksymtab_strings), for the other modules of its variant.</summary>
    public List<string> Exports { get; set; } = new();

    /// <summary>The text of the XenServer type-1 note, if the module has one.</summary>
    public string? XenServerNote => Notes.FirstOrDefault(n => n.Name == "XenServer" && n.Type == 1) is { } note
        ? System.Text.Encoding.UTF8.GetString(note.Descriptor.AsSpan(0, Math.Max(0, Array.IndexOf(note.Descriptor, (byte)0) is int end && end >= 0 ? end : note.Descriptor.Length)))
        : null;
}
