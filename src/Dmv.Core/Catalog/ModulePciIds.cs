using Dmv.Core.Pci;

namespace Dmv.Core.Catalog;

/// <summary>One entry of info.json's pci_ids: a module file name and the PCI ids it drives.</summary>
internal sealed record ModulePciIds(string Module, IReadOnlyList<PciId> Ids);
