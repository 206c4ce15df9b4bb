namespace Dmv.Core.Modules;

/// <summary>A note found in a module's note sections: which section, the owner name, the type and the descriptor bytes.</summary>
internal sealed record NoteRecord(string Section, string Name, uint Type, byte[] Descriptor);
