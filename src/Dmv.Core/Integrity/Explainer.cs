using Dmv.Core.Catalog;
using Dmv.Core.Diagnostics;
using Dmv.Core.Kabi;
using Dmv.Core.Listing;
using Dmv.Core.Pci;

namespace Dmv.Core.Integrity;

/// <summary>Explains, for each variant of a driver, whether a select would accept it and why.</summary>
internal static class Explainer
{
    /// <param name="failedBoots">Variants that used up a trial's tries on this host: not eligible for auto-select, and said so.</param>
    public static List<VariantExplanation> Explain(DriverEntry driver, PresentDevices hardware, IntegrityChecker checker, State.FailedBootRecord? failedBoots = null)
    {
        var explanations = new List<VariantExplanation>();
        foreach (VariantEntry variant in driver.Variants)
        {
            var matches = new List<IdMatch>();
            foreach (ModulePciIds module in variant.Sources[0].Info.PciIds)
            {
                foreach (PciId id in module.Ids)
                {
                    matches.Add(new IdMatch(module.Module, id, hardware.FirstMatch(id)));
                }
            }

            var reasons = new List<string>();
            if (!variant.HardwarePresent)
            {
                reasons.Add("no present PCI device matches any of its ids");
            }

            var kernels = new List<VariantCheck>();
            foreach (CatalogVariant source in variant.Sources)
            {
                VariantCheck check = checker.Check(source);
                kernels.Add(check);
                Failure? refusal = checker.Judge(check, force: false, new DiagnosticLog());
                if (refusal is not null)
                {
                    reasons.Add($"kernel {source.Kernel}: {refusal.Message}");
                }
                else if (check.Kabi.Status == KabiVerdict.NotPossible)
                {
                    reasons.Add($"kernel {source.Kernel}: kABI not checked ({check.Kabi.Detail})");
                }
            }

            string? failedTrial = failedBoots?.TrialOf(driver.Name, variant.Name);
            if (failedTrial is not null)
            {
                reasons.Add($"failed to boot on this host (trial {failedTrial} used up its tries): auto-select and reconcile pass it over until it is selected explicitly");
            }

            bool eligible = failedTrial is null && variant.HardwarePresent && kernels.All(k => checker.Judge(k, force: false, new DiagnosticLog()) is null);
            explanations.Add(new VariantExplanation(variant.Name, variant.Version, variant.Priority, variant.Status, matches, kernels, eligible, reasons));
        }

        return explanations;
    }
}
