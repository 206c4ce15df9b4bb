namespace Dmv.Core.Links;

/// <summary>
/// An entry of a kernel's updates/ folder as a switch sees it: a link of the driver being switched
/// (its target text kept), or something else standing there that driver-tool does not own.
/// </summary>
/// <param name="RelativeForm">
/// For a DMV link written with an absolute target (as xcp.dmv writes them:
/// /lib/modules/K/dmv/DRIVER/VARIANT/M.ko), the relative target that reaches the same file from
/// updates/ ("../dmv/DRIVER/VARIANT/M.ko"); null for every other entry.
/// </param>
internal sealed record UpdatesEntry(string Name, bool OwnedByDriver, string? LinkTarget, string Description, string? RelativeForm = null);
