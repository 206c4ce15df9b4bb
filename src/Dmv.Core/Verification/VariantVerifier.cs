using Dmv.Core.Catalog;
using Dmv.Core.Integrity;
using Dmv.Core.Kabi;
using Dmv.Core.Signing;

namespace Dmv.Core.Verification;

/// <summary>
/// verify's checks of every variant's modules: a signature the policy would refuse, a kernel the
/// variant will not load into, a XenServer note that does not name the variant, a module that
/// cannot be read. None is repairable by driver-tool: they need a rebuilt or re-signed variant.
/// </summary>
internal static class VariantVerifier
{
    public const string Signature = "signature";
    public const string KabiIncompatible = "kabi-incompatible";
    public const string NoteMismatch = "note-mismatch";
    public const string UnreadableModule = "unreadable-module";

    public static List<TreeProblem> Check(IReadOnlyList<KernelCatalog> catalogs, Dmv.Core.Links.DriverScope? only, IntegrityChecker checker)
    {
        var problems = new List<TreeProblem>();
        foreach (CatalogVariant variant in catalogs.SelectMany(c => c.Variants).Where(v => only is null || only.Owns(v)))
        {
            VariantCheck check = checker.Check(variant);
            foreach (ModuleCheck module in check.Modules)
            {
                if (module.Report.Error is not null)
                {
                    problems.Add(new TreeProblem(UnreadableModule, module.Report.File, module.Report.Error, false));
                    continue;
                }

                if (module.Signature is { Status: not SignatureStatus.Trusted } verdict && checker.Options.Policy == SignaturePolicy.Enforce)
                {
                    problems.Add(new TreeProblem(Signature, module.Report.File, $"{verdict.StatusName}: {verdict.Detail}", false));
                }

                if (module.NoteProblem is not null)
                {
                    problems.Add(new TreeProblem(NoteMismatch, module.Report.File, module.NoteProblem, false));
                }
            }

            if (check.Kabi.Status == KabiVerdict.Incompatible)
            {
                problems.Add(new TreeProblem(KabiIncompatible, variant.Directory, $"kernel {variant.Kernel}: {check.Kabi.Detail}", false));
            }
        }

        return problems;
    }
}
