namespace Dmv.Core.Modules;

/// <summary>
/// What the running kernel says of a module: whether it is loaded, whether it carries a
/// .note.XenServer section, and the variant (or version) that note names.
/// </summary>
internal sealed record LoadedModule(string KernelName, bool IsLoaded, bool HasXenServerNote, string? NoteText, string? NotePath = null);
