using System.Text;
using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.Integrity;
using Dmv.Core.Json;
using Dmv.Core.Kabi;
using Dmv.Core.Listing;
using Dmv.Core.Modules;
using Dmv.Core.Pci;
using Dmv.Core.Policies;
using Dmv.Core.Switching;
using Dmv.Core.State;
using Dmv.Core.Catalog;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool explain NAME</c>: for each variant, why it is or is not eligible.</summary>
internal static class ExplainCommand
{
    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryOpenWithHardware(invocation, terminal, out HostContext host, out DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode))
        {
            return exitCode;
        }

        if (NameRules.CheckName("driver", invocation.Driver!) is Failure bad)
        {
            return Replies.Fail(terminal, log, bad);
        }

        DriverListing listing;
        HashSet<string> deselected;
        FailedBootRecord failedBoots;
        using (HostSession session = HostSession.BeginRead(host.Root, invocation.LockTimeout, log))
        {
            listing = DriverListingBuilder.Build(host.Root, new ListingOptions(hardware, host.RunningKernel), log);
            deselected = DeselectionRecord.Read(session.State, log);
            failedBoots = FailedBootRecord.Read(session.State, log, out _);
        }

        if (NameResolver.ResolveDriver(listing, invocation.Driver!, log, out DriverEntry? driver) is Failure unknown)
        {
            return Replies.Fail(terminal, log, unknown, host);
        }

        IntegrityOptions integrity = host.Integrity(invocation, log);
        using var codecs = new NativeCodecs();
        var checker = new IntegrityChecker(host.Root, integrity, codecs);
        List<VariantExplanation> explanations = Explainer.Explain(driver!, listing.Hardware ?? PresentDevices.None, checker, failedBoots);
        AutoSelectChoice? choice = AutoSelector.Plan(listing with { Drivers = [driver! with { Selected = null }] }, failedBoots).FirstOrDefault();
        Replies.Warnings(terminal, log);
        if (invocation.Format == OutputFormat.Table)
        {
            terminal.WriteText(Table(driver, explanations, choice, integrity, deselected.Contains(driver.Name)));
        }
        else
        {
            terminal.WriteJson(Reply(driver, explanations, choice, integrity, deselected.Contains(driver.Name)), DmvJsonContext.Default.ExplainReply);
        }

        return 0;
    }

    private static ExplainReply Reply(DriverEntry driver, List<VariantExplanation> explanations, AutoSelectChoice? choice, IntegrityOptions integrity, bool deselected) => new()
    {
        Driver = driver.Name,
        Selected = driver.Selected,
        Active = driver.Active,
        BestEligibleChoice = BestEligibleChoice(explanations, choice),
        AutoSelect = AutoSelectStance(driver, deselected),
        SignaturePolicy = integrity.Policy.Word(),
        TrustedCertificates = integrity.Trust.Certificates.Count,
        Variants = explanations.Select(static explanation => new VariantExplanationReply
        {
            Variant = explanation.Variant,
            Version = explanation.Version,
            Priority = explanation.Priority,
            Status = explanation.Status,
            Eligible = explanation.Eligible,
            Reasons = explanation.Reasons,
            PciMatches = explanation.Matches.Select(static match => new PciMatchReply { Module = match.Module, Id = match.Id.ToString(), Device = match.Device?.ToString() }).ToList(),
            Kernels = explanation.Kernels.Select(static check => new KernelCheckReply
            {
                Kernel = check.Kernel,
                Kabi = new VerdictReply { Status = check.Kabi.Status, Detail = check.Kabi.Detail },
                Modules = check.Modules.Select(static module => new ModuleCheckReply
                {
                    Module = module.Module,
                    Error = module.Report.Error,
                    Signature = module.Signature?.StatusName,
                    SignatureDetail = module.Signature?.Detail,
                    NoteProblem = module.NoteProblem,
                }).ToList(),
            }).ToList(),
        }).ToList(),
    };

    /// <summary>auto-select's pick when it is one of the eligible variants.</summary>
    private static string? BestEligibleChoice(List<VariantExplanation> explanations, AutoSelectChoice? choice) =>
        choice is not null && explanations.Any(e => e.Variant == choice.Variant && e.Eligible) ? choice.Variant : null;

    /// <summary>
    /// For a person: a summary row per variant (eligible, and if not, why, in one line), then per
    /// variant its PCI matches and one line per kernel with its one kABI verdict and the signatures.
    /// "auto-select's choice" is marked only where auto-select would act: on a driver with nothing selected.
    /// </summary>
    /// <summary>What auto-select (and so the boot hook) does with the driver, and why it leaves it alone when it does.</summary>
    private static string AutoSelectStance(DriverEntry driver, bool deselected) =>
        driver.Selected is not null ? $"leaves it alone ({driver.Selected} is selected)"
        : deselected ? "leaves it alone (deselected by an administrator: until it is selected again, or auto-select --include-deselected)"
        : "acts (nothing is selected)";

    private static string Table(DriverEntry driver, List<VariantExplanation> explanations, AutoSelectChoice? choice, IntegrityOptions integrity, bool deselected)
    {
        var text = new StringBuilder();
        text.Append($"driver {driver.Name}: selected {driver.Selected ?? "-"}, active {driver.Active ?? "-"}; signatures {integrity.Policy.Word()} ({integrity.Trust.Certificates.Count} trusted certificates)\n");
        string? pick = BestEligibleChoice(explanations, choice);
        bool autoSelectActs = driver.Selected is null && !deselected;
        text.Append(autoSelectActs
            ? pick is null ? "auto-select: nothing to select (no eligible variant)\n" : $"auto-select: would select {pick}\n"
            : $"auto-select: {AutoSelectStance(driver, deselected)}\n");
        text.Append('\n');

        var rows = new List<string[]> { new[] { "VARIANT", "VERSION", "PRIORITY", "STATUS", "ELIGIBLE", "WHY NOT" } };
        foreach (VariantExplanation explanation in explanations)
        {
            string eligible = explanation.Eligible ? (autoSelectActs && explanation.Variant == pick ? "yes (auto-select's choice)" : "yes") : "no";
            rows.Add([explanation.Variant, explanation.Version, explanation.Priority.Text, explanation.Status, eligible, explanation.Eligible ? "-" : WhyNot(explanation)]);
        }

        text.Append(ChangeText.Columns(rows));
        foreach (VariantExplanation explanation in explanations)
        {
            text.Append($"\n{explanation.Variant}:\n");
            foreach (IdMatch match in explanation.Matches)
            {
                text.Append($"  pci {match.Module} {match.Id}: {(match.Device is null ? "no device" : "matches " + match.Device)}\n");
            }

            foreach (VariantCheck check in explanation.Kernels)
            {
                string kabi = check.Kabi.Status == KabiVerdict.NotPossible ? "not checked" : check.Kabi.Status;
                text.Append($"  kernel {check.Kernel}: kABI {kabi} ({check.Kabi.Detail})");
                foreach (ModuleCheck module in check.Modules)
                {
                    string signature = module.Signature is null ? "signature not checked" : $"signature {module.Signature.StatusName}";
                    text.Append($"; {module.Module} {signature}{(module.NoteProblem is null ? "" : ", " + module.NoteProblem)}");
                }

                text.Append('\n');
            }
        }

        return text.ToString();
    }

    /// <summary>Why a variant is not eligible, in one line: no hardware, and each kernel that would refuse it (its own kABI line says the verdict).</summary>
    private static string WhyNot(VariantExplanation explanation)
    {
        var why = new List<string>();
        if (explanation.Reasons.Any(r => !r.StartsWith("kernel ", StringComparison.Ordinal)))
        {
            why.AddRange(explanation.Reasons.Where(r => !r.StartsWith("kernel ", StringComparison.Ordinal)));
        }

        foreach (string reason in explanation.Reasons.Where(r => r.StartsWith("kernel ", StringComparison.Ordinal) && !r.Contains(": kABI not checked (", StringComparison.Ordinal)))
        {
            // "kernel K: <refusal>": a kABI refusal is said on K's own line below; others (signatures, notes) here.
            string kernel = reason["kernel ".Length..reason.IndexOf(':')];
            VariantCheck? check = explanation.Kernels.FirstOrDefault(k => k.Kernel == kernel);
            why.Add(check?.Kabi.Status == KabiVerdict.Incompatible ? $"will not load into {kernel} (kABI, below)" : reason);
        }

        return why.Count == 0 ? "refused (see below)" : string.Join("; ", why);
    }
}
