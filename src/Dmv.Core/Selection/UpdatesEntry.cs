namespace Dmv.Core.Selection;

/// <summary>
/// An entry of a kernel's updates/ folder as a switch sees it: a link of the driver being switched
/// (its target text kept), or something else standing there that driver-tool does not own.
/// </summary>
public sealed record UpdatesEntry(string Name, bool OwnedByDriver, string? LinkTarget, string Description);
