namespace Dmv.Core.Modules;

/// <summary>One entry of <c>__versions</c>: an imported symbol and the CRC the module expects for it.</summary>
internal readonly record struct SymbolVersion(string Symbol, uint Crc);
