namespace Dmv.Core.Modules;

/// <summary>Work on a module's bytes (decompressed, signature included) while the inspector still holds them.</summary>
internal delegate void ModuleBytesVisitor(ModuleReport report, ReadOnlySpan<byte> module);
