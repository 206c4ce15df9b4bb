using Dmv.Core.Diagnostics;
using Dmv.Core.Catalog;
using Dmv.Core.FileSystem;
using Dmv.Core.Kabi;
using Dmv.Core.Modules;
using Dmv.Core.Signing;
using Dmv.Core.Links;

namespace Dmv.Core.Integrity;

/// <summary>
/// Checks what a variant's module files promise before anything points at them: the signature of
/// each (when the policy asks), kABI compatibility with the kernel, and that the XenServer note
/// inside each module names the variant (or version) its info.json claims.
/// </summary>
internal sealed class IntegrityChecker(HostRoot root, IntegrityOptions options, NativeCodecs codecs)
{
    private readonly Dictionary<string, KernelSymbols?> _symbols = new(StringComparer.Ordinal);
    private readonly SignatureVerifier _verifier = new(options.Trust);
    private readonly ModuleInspector _inspector = new(codecs);

    public IntegrityOptions Options => options;

    public VariantCheck Check(CatalogVariant variant)
    {
        var modules = new List<ModuleCheck>();
        var reports = new List<ModuleReport>();
        if (VariantModules.TryFind(root, variant.Directory, out SortedDictionary<string, string> files, out Failure? failure))
        {
            foreach ((string name, string relative) in files)
            {
                SignatureVerdict? signature = null;
                string hostPath = root.HostPathOf(variant.Directory + "/" + relative);
                ModuleReport report = _inspector.Inspect(
                    root,
                    hostPath,
                    hostPath,
                    options.Policy == SignaturePolicy.Off ? null : (_, bytes) => signature = _verifier.Verify(bytes));
                modules.Add(new ModuleCheck(name, report, signature, NoteProblem(report, variant.Info)));
                reports.Add(report);
            }
        }

        KernelSymbols? symbols = Symbols(variant.Kernel);
        KabiVerdict kabi = failure is null
            ? KabiChecker.Check(variant.Kernel, reports, symbols)
            : new KabiVerdict(variant.Kernel, KabiVerdict.Incompatible, failure.Message, [failure.Message]);
        return new VariantCheck(variant.Kernel, variant.Info.Driver, variant.Info.Variant, modules, kabi);
    }

    /// <summary>
    /// Applies the policy to a checked variant: the failure a switch must stop with, or null. Under
    /// "warn", and for checks that were not possible, the problems become warnings instead.
    /// </summary>
    public Failure? Judge(VariantCheck check, bool force, Diagnostics.DiagnosticLog log)
    {
        // A library this system lacks is neither the module's fault nor its signature's: said as it is.
        if (check.Modules.FirstOrDefault(static m => m.Report.ErrorNumber == Errno.ELIBACC) is { } unreadable)
        {
            return new Failure(Errno.ELIBACC, $"cannot read {unreadable.Report.File}: {unreadable.Report.Error}");
        }

        foreach (ModuleCheck module in check.Modules)
        {
            // A module whose bytes could not be read (corrupt compression, say) has no verdict:
            // under a policy that checks signatures, that is a signature that could not be checked.
            SignatureVerdict? verdict = module.Signature
                ?? (options.Policy != SignaturePolicy.Off && module.Report.Error is { } error
                    ? new SignatureVerdict(SignatureStatus.NotPossible, $"the module cannot be read: {error}")
                    : null);
            if (verdict is null || verdict.Status == SignatureStatus.Trusted)
            {
                continue;
            }

            string message = $"{module.Report.File}: {verdict.StatusName} signature: {verdict.Detail}";
            if (options.Policy == SignaturePolicy.Warn)
            {
                log.Warn(module.Report.File, $"{verdict.StatusName} signature ({verdict.Detail}); selected anyway (--signatures warn)");
                continue;
            }

            if (verdict.LibraryMissing)
            {
                return new Failure(Errno.ELIBACC, $"cannot check the signature of {module.Report.File}: {verdict.Detail}; signatures are enforced");
            }

            // --force is for hardware and kABI only: the one way past an enforced signature is --signatures warn|off.
            return new Failure(verdict.Status == SignatureStatus.Unsigned ? Errno.EPERM : Errno.EKEYREJECTED, message + "; signatures are enforced (only --signatures warn or off lets it through, never --force)");
        }

        switch (check.Kabi.Status)
        {
            case KabiVerdict.Incompatible when !force:
                return new Failure(Errno.ENOEXEC, $"variant '{check.Variant}' of '{check.Driver}' will not load into kernel {check.Kernel}: {check.Kabi.Detail}; --force selects it anyway");
            case KabiVerdict.Incompatible:
                log.Warn(check.Kernel, $"kABI: {check.Kabi.Detail}; selected anyway (--force)");
                break;
        }

        // A kABI check that was not possible (no Module.symvers installed, as on most hosts) is not
        // a warning on every select: explain and verify report it as "not-possible".

        return null;
    }

    private KernelSymbols? Symbols(string kernel)
    {
        if (!_symbols.TryGetValue(kernel, out KernelSymbols? symbols))
        {
            symbols = KernelSymbols.Find(root, kernel, out _);
            _symbols[kernel] = symbols;
        }

        return symbols;
    }

    private static string? NoteProblem(ModuleReport report, VariantInfo info)
    {
        if (report.Error is not null)
        {
            return null;
        }

        string? note = report.XenServerNote;
        if (note is null)
        {
            return "has no XenServer note, so it will never be reported active";
        }

        return note == info.Variant || note == info.Version
            ? null
            : $"its XenServer note names '{note}', but info.json says variant '{info.Variant}', version '{info.Version}'";
    }
}
