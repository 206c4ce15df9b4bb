using Dmv.Core.Kabi;

namespace Dmv.Core.Integrity;

/// <summary>A variant's modules checked for one kernel.</summary>
internal sealed record VariantCheck(string Kernel, string Driver, string Variant, IReadOnlyList<ModuleCheck> Modules, KabiVerdict Kabi);
