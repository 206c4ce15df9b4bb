using System.Text;
using System.Text.Json;
using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Integrity;
using Dmv.Core.Kabi;
using Dmv.Core.Listing;
using Dmv.Core.Modules;
using Dmv.Core.Pci;
using Dmv.Core.Selection;
using Dmv.Core.State;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool explain NAME</c>: for each variant, why it is or is not eligible.</summary>
public static class ExplainCommand
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
        using (HostSession session = HostSession.BeginRead(host.Root, invocation.LockTimeout, log))
        {
            listing = DriverListingBuilder.Build(host.Root, new ListingOptions(hardware, host.RunningKernel), log);
            deselected = DeselectionRecord.Read(session.State, log);
        }

        if (NameResolver.ResolveDriver(listing, invocation.Driver!, log, out DriverEntry? driver) is Failure unknown)
        {
            return Replies.Fail(terminal, log, unknown, host);
        }

        IntegrityOptions integrity = host.Integrity(invocation, log);
        using var codecs = new NativeCodecs();
        var checker = new IntegrityChecker(host.Root, integrity, codecs);
        List<VariantExplanation> explanations = Explainer.Explain(driver!, listing.Hardware ?? PresentDevices.None, checker);
        AutoSelectChoice? choice = AutoSelector.Plan(listing with { Drivers = [driver! with { Selected = null }] }).FirstOrDefault();
        Replies.Warnings(terminal, log);
        if (invocation.Format == OutputFormat.Table)
        {
            terminal.WriteText(Table(driver!, explanations, choice, integrity, deselected.Contains(driver!.Name)));
        }
        else
        {
            terminal.WriteDocument(json => Json(json, driver!, explanations, choice, integrity, deselected.Contains(driver!.Name)));
        }

        return 0;
    }

    private static void Json(Utf8JsonWriter json, DriverEntry driver, List<VariantExplanation> explanations, AutoSelectChoice? choice, IntegrityOptions integrity, bool deselected)
    {
        json.WriteStartObject();
        json.WriteString("driver", driver.Name);
        json.WriteOptional("selected", driver.Selected);
        json.WriteOptional("active", driver.Active);
        json.WriteOptional("best_eligible_choice", choice is not null && explanations.Any(e => e.Variant == choice.Variant && e.Eligible) ? choice.Variant : null);
        json.WriteString("auto_select", AutoSelectStance(driver, deselected));
        json.WriteString("signature_policy", integrity.Policy.ToString().ToLowerInvariant());
        json.WriteNumber("trusted_certificates", integrity.Trust.Certificates.Count);
        json.WriteStartArray("variants");
        foreach (VariantExplanation explanation in explanations)
        {
            json.WriteStartObject();
            json.WriteString("variant", explanation.Variant);
            json.WriteString("version", explanation.Version);
            json.WritePropertyName("priority");
            json.WriteRawValue(explanation.Priority);
            json.WriteString("status", explanation.Status);
            json.WriteBoolean("eligible", explanation.Eligible);
            json.WriteStartArray("reasons");
            explanation.Reasons.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteStartArray("pci_matches");
            foreach (IdMatch match in explanation.Matches)
            {
                json.WriteStartObject();
                json.WriteString("module", match.Module);
                json.WriteString("id", match.Id.ToString());
                json.WriteOptional("device", match.Device?.ToString());
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("kernels");
            foreach (VariantCheck check in explanation.Kernels)
            {
                json.WriteStartObject();
                json.WriteString("kernel", check.Kernel);
                json.WriteStartObject("kabi");
                json.WriteString("status", check.Kabi.Status);
                json.WriteString("detail", check.Kabi.Detail);
                json.WriteEndObject();
                json.WriteStartArray("modules");
                foreach (ModuleCheck module in check.Modules)
                {
                    json.WriteStartObject();
                    json.WriteString("module", module.Module);
                    json.WriteOptional("error", module.Report.Error);
                    json.WriteOptional("signature", module.Signature?.StatusName);
                    json.WriteOptional("signature_detail", module.Signature?.Detail);
                    json.WriteOptional("note_problem", module.NoteProblem);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("exit", 0);
        json.WriteEndObject();
    }

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
        text.Append($"driver {driver.Name}: selected {driver.Selected ?? "-"}, active {driver.Active ?? "-"}; signatures {integrity.Policy.ToString().ToLowerInvariant()} ({integrity.Trust.Certificates.Count} trusted certificates)\n");
        string? pick = choice is not null && explanations.Any(e => e.Variant == choice.Variant && e.Eligible) ? choice.Variant : null;
        bool autoSelectActs = driver.Selected is null && !deselected;
        text.Append(autoSelectActs
            ? pick is null ? "auto-select: nothing to select (no eligible variant)\n" : $"auto-select: would select {pick}\n"
            : $"auto-select: {AutoSelectStance(driver, deselected)}\n");
        text.Append('\n');

        var rows = new List<string[]> { new[] { "VARIANT", "VERSION", "PRIORITY", "STATUS", "ELIGIBLE", "WHY NOT" } };
        foreach (VariantExplanation explanation in explanations)
        {
            string eligible = explanation.Eligible ? (autoSelectActs && explanation.Variant == pick ? "yes (auto-select's choice)" : "yes") : "no";
            rows.Add([explanation.Variant, explanation.Version, explanation.Priority, explanation.Status, eligible, explanation.Eligible ? "-" : WhyNot(explanation)]);
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
