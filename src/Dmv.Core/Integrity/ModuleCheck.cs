using Dmv.Core.Modules;
using Dmv.Core.Signing;

namespace Dmv.Core.Integrity;

/// <summary>One module of a variant, checked: what it is, its signature verdict (null when not checked), and whether its note names the variant.</summary>
internal sealed record ModuleCheck(string Module, ModuleReport Report, SignatureVerdict? Signature, string? NoteProblem);
