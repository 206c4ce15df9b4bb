using Dmv.Core.Catalog;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.Listing;
using Dmv.Core.State;

namespace Dmv.Core.Selection;

/// <summary>
/// select, deselect and auto-select: under the tree's lock, after recovering any interrupted
/// switch, plan the link changes, carry them out as one journalled switch, record them, then run
/// the hooks for the kernels that changed (under their own lock, so readers are not held up by a
/// slow dracut).
/// </summary>
public static class SelectionService
{
    public static bool TrySelect(HostRoot root, string driver, string variant, SwitchOptions options, DiagnosticLog log, out SwitchOutcome? outcome, out Failure? failure)
    {
        outcome = null;
        failure = NameRules.CheckComponent("driver", driver) ?? NameRules.CheckComponent("variant", variant);
        if (failure is not null || !HostSession.TryBeginWrite(root, options.LockTimeout, log, out HostSession? session, out failure))
        {
            return false;
        }

        using (session)
        {
            DriverListing listing = DriverListingBuilder.Build(root, new ListingOptions(options.ReadHardware, options.RunningKernel) { OnlyDriver = driver }, log);
            var planner = new SwitchPlanner(session!.Folders, listing.Kernels, NewId(), DateTimeOffset.UtcNow);
            if (!planner.TryPlanSelect(driver, variant, options.Force, out SwitchPlan? plan, out failure))
            {
                return false;
            }

            if (!options.Force && !HardwarePresent(listing, driver, variant))
            {
                failure = new Failure(Errno.ENODEV, $"no hardware present matches variant '{variant}' of driver '{driver}'; --force selects it anyway");
                return false;
            }

            failure = CheckIntegrity(root, listing, driver, variant, options, log);
            if (failure is not null)
            {
                return false;
            }

            if (!TryApply(session!, plan!, options, log, out failure))
            {
                return false;
            }

            // An explicit select ends an administrator's deselection: auto-select may act again.
            RecordDecision(session!, driver, deselected: false, log);
            DriverListing after = listing.AfterSwitch(driver, variant, plan!.Kernels);
            session!.ReleaseTree();
            List<HookResult> hooks = RunHooks(session, plan.Kernels, AddedModules(root, plan), options);
            outcome = new SwitchOutcome(driver, variant, plan.Kernels, plan.MovedAside, hooks, after.RebootRequired);
            return true;
        }
    }

    public static bool TryDeselect(HostRoot root, string driver, SwitchOptions options, DiagnosticLog log, out SwitchOutcome? outcome, out Failure? failure)
    {
        outcome = null;
        failure = NameRules.CheckComponent("driver", driver);
        if (failure is not null || !HostSession.TryBeginWrite(root, options.LockTimeout, log, out HostSession? session, out failure))
        {
            return false;
        }

        using (session)
        {
            DriverListing listing = DriverListingBuilder.Build(root, new ListingOptions(options.ReadHardware, options.RunningKernel) { OnlyDriver = driver }, log);
            var planner = new SwitchPlanner(session!.Folders, listing.Kernels, NewId(), DateTimeOffset.UtcNow);
            if (!planner.TryPlanDeselect(driver, out SwitchPlan? plan, out failure) || !TryApply(session!, plan!, options, log, out failure))
            {
                return false;
            }

            RecordDecision(session!, driver, deselected: true, log);
            DriverListing after = listing.AfterSwitch(driver, null, plan!.Kernels);
            session!.ReleaseTree();
            List<HookResult> hooks = RunHooks(session, plan.Kernels, new Dictionary<string, IReadOnlyList<string>>(), options);
            outcome = new SwitchOutcome(driver, null, plan.Kernels, [], hooks, after.RebootRequired);
            return true;
        }
    }

    /// <summary>
    /// For each driver with hardware present and nothing selected, selects the installer's choice
    /// (see <see cref="AutoSelector"/>). With <paramref name="dryRun"/> only the plan is returned.
    /// </summary>
    public static bool TryAutoSelect(HostRoot root, bool dryRun, SwitchOptions options, DiagnosticLog log, out AutoSelectOutcome? outcome, out Failure? failure)
    {
        outcome = null;
        if (dryRun)
        {
            using HostSession reader = HostSession.BeginRead(root, options.LockTimeout, log);
            DriverListing current = DriverListingBuilder.Build(root, new ListingOptions(options.ReadHardware, options.RunningKernel), log);
            HashSet<string> left = options.IncludeDeselected ? [] : DeselectionRecord.Read(reader.State, log);
            outcome = new AutoSelectOutcome(AutoSelector.Plan(current).Where(c => !left.Contains(c.Driver)).ToList(), [], [], [], current.RebootRequired, DryRun: true);
            failure = null;
            return true;
        }

        if (!HostSession.TryBeginWrite(root, options.LockTimeout, log, out HostSession? session, out failure))
        {
            return false;
        }

        using (session)
        {
            DriverListing listing = DriverListingBuilder.Build(root, new ListingOptions(options.ReadHardware, options.RunningKernel), log);
            HashSet<string> left = options.IncludeDeselected ? [] : DeselectionRecord.Read(session!.State, log);
            List<AutoSelectChoice> choices = AutoSelector.Plan(listing).Where(c => !left.Contains(c.Driver)).ToList();
            var switched = new List<SwitchOutcome>();
            var refused = new List<(string Driver, Failure Failure)>();
            var changedKernels = new List<string>();
            var added = new Dictionary<string, IReadOnlyList<string>>();
            foreach (AutoSelectChoice choice in choices)
            {
                // One refused driver (an untrusted signature, say) must not keep the others, or the
                // hooks for those already switched, from running: at boot that is the difference
                // between one driver and every driver falling back to the in-tree module.
                var planner = new SwitchPlanner(session!.Folders, listing.Kernels, NewId(), DateTimeOffset.UtcNow);
                if (!planner.TryPlanSelect(choice.Driver, choice.Variant, options.Force, out SwitchPlan? plan, out failure)
                    || (failure = CheckIntegrity(root, listing, choice.Driver, choice.Variant, options, log)) is not null
                    || !TryApply(session!, plan!, options, log, out failure))
                {
                    log.Warn(choice.Driver, $"'{choice.Variant}' not selected: {failure!.Message}");
                    refused.Add((choice.Driver, failure));
                    continue;
                }

                listing = listing.AfterSwitch(choice.Driver, choice.Variant, plan!.Kernels);
                changedKernels.AddRange(plan.Kernels.Where(k => !changedKernels.Contains(k)));
                foreach ((string kernel, IReadOnlyList<string> modules) in AddedModules(root, plan))
                {
                    added[kernel] = [.. added.GetValueOrDefault(kernel) ?? [], .. modules];
                }

                switched.Add(new SwitchOutcome(choice.Driver, choice.Variant, plan.Kernels, plan.MovedAside, [], false));
            }

            session!.ReleaseTree();
            List<HookResult> hooks = RunHooks(session, changedKernels, added, options);
            outcome = new AutoSelectOutcome(choices, switched, refused, hooks, listing.RebootRequired, DryRun: false);
            failure = null;
            return true;
        }
    }

    /// <summary>
    /// Brings drivers whose variants were just installed, upgraded or removed (by packages) back
    /// to a valid selection: a selected variant that is still there is re-pointed (its files may
    /// have moved), one that is gone is deselected, and a driver left with nothing selected gets
    /// auto-select's choice. Hooks run once, for every kernel changed. With <paramref name="pending"/>
    /// the drivers are those the package scriptlets recorded, taken under the lock.
    /// </summary>
    public static bool TryReconcile(HostRoot root, IReadOnlyList<string> named, bool pending, SwitchOptions options, DiagnosticLog log, out List<ReconcileAction> actions, out List<HookResult> hooks, out Failure? failure)
    {
        actions = [];
        hooks = [];
        foreach (string name in named)
        {
            if ((failure = NameRules.CheckComponent("driver", name)) is not null)
            {
                return false;
            }
        }

        if (!HostSession.TryBeginWrite(root, options.LockTimeout, log, out HostSession? session, out failure))
        {
            return false;
        }

        using (session)
        {
            DriverListing? listing = null;
            if (named.Count > 0)
            {
                // A name given on the command line that has neither variants nor links is a mistake, as
                // for select (ENOENT), not "nothing to do". Checked before the pending list is taken.
                listing = DriverListingBuilder.Build(root, new ListingOptions(options.ReadHardware, options.RunningKernel), log);
                var planner = new SwitchPlanner(session!.Folders, listing.Kernels, NewId(), DateTimeOffset.UtcNow);
                foreach (string name in named)
                {
                    if (listing.Driver(name) is null
                        && !(planner.TryPlanDeselect(name, out SwitchPlan? links, out _, evenIfUnknown: true) && !links!.ChangesNothing))
                    {
                        failure = new Failure(Errno.ENOENT, $"unknown driver '{name}'");
                        return false;
                    }
                }
            }

            List<string> drivers = [.. named, .. pending ? PendingDrivers.Take(session!.State!, log) : []];
            drivers = drivers.Distinct(StringComparer.Ordinal).ToList();
            if (drivers.Count == 0)
            {
                return true;
            }

            listing ??= DriverListingBuilder.Build(root, new ListingOptions(options.ReadHardware, options.RunningKernel), log);
            var changedKernels = new List<string>();
            var added = new Dictionary<string, IReadOnlyList<string>>();
            foreach (string driver in drivers)
            {
                ReconcileAction action = ReconcileOne(root, session!, listing, driver, options, log, changedKernels, added, out listing);
                actions.Add(action);
            }

            session!.ReleaseTree();
            hooks = RunHooks(session, changedKernels, added, options);
            return true;
        }
    }

    private static ReconcileAction ReconcileOne(HostRoot root, HostSession session, DriverListing listing, string driver, SwitchOptions options, DiagnosticLog log, List<string> changedKernels, Dictionary<string, IReadOnlyList<string>> added, out DriverListing after)
    {
        after = listing;
        DriverEntry? entry = listing.Driver(driver);
        var planner = new SwitchPlanner(session!.Folders, listing.Kernels, NewId(), DateTimeOffset.UtcNow);

        // Links left dangling by an upgrade that moved the files still say which variant was chosen.
        string? selected = entry?.Selected ?? planner.VariantNamedByLinks(driver);

        if (selected is not null && entry?.Variant(selected) is not null)
        {
            // Still there: point the links at its files as they are now. Its hardware was accepted when it was selected.
            if (planner.TryPlanSelect(driver, selected, force: true, out SwitchPlan? plan, out Failure? failure)
                && (failure = CheckIntegrity(root, listing, driver, selected, options, log)) is null
                && TryApply(session, plan!, options, log, out failure))
            {
                Note(plan!, changedKernels, added, root);
                return new ReconcileAction(driver, plan!.ChangesNothing ? "kept" : "re-pointed", selected, plan.ChangesNothing ? "links already right" : $"links re-pointed in {string.Join(", ", plan.Kernels)}");
            }

            log.Warn(driver, $"the selected variant '{selected}' cannot stay selected: {failure?.Message}; deselecting");
        }

        if (planner.TryPlanDeselect(driver, out SwitchPlan? removal, out Failure? deselectFailure, evenIfUnknown: true)
            && TryApply(session, removal!, options, log, out deselectFailure))
        {
            Note(removal!, changedKernels, added, root);
            after = listing.AfterSwitch(driver, null, removal!.Kernels);
        }
        else
        {
            return new ReconcileAction(driver, "failed", selected, $"cannot deselect: {deselectFailure!.Message}", deselectFailure);
        }

        if (entry is not null && !options.IncludeDeselected && DeselectionRecord.Read(session.State, log).Contains(driver))
        {
            return removal is { ChangesNothing: false }
                ? new ReconcileAction(driver, "deselected", null, $"variant '{selected}' is gone; the driver was deselected by an administrator, so nothing else is selected")
                : new ReconcileAction(driver, "kept", null, "deselected by an administrator: auto-select leaves it alone until it is selected again");
        }

        AutoSelectChoice? choice = entry is null ? null : AutoSelector.Plan(after with { Drivers = [after.Driver(driver)! with { Selected = null }] }).FirstOrDefault();
        if (choice is not null)
        {
            var chooser = new SwitchPlanner(session!.Folders, after.Kernels, NewId(), DateTimeOffset.UtcNow);
            if (chooser.TryPlanSelect(driver, choice.Variant, options.Force, out SwitchPlan? plan, out Failure? failure)
                && (failure = CheckIntegrity(root, after, driver, choice.Variant, options, log)) is null
                && TryApply(session, plan!, options, log, out failure))
            {
                Note(plan!, changedKernels, added, root);
                after = after.AfterSwitch(driver, choice.Variant, plan!.Kernels);
                return new ReconcileAction(driver, "selected", choice.Variant, choice.Reason);
            }

            return new ReconcileAction(driver, "failed", choice.Variant, $"auto-select's choice '{choice.Variant}' cannot be selected: {failure!.Message}", failure);
        }

        return removal is { ChangesNothing: false }
            ? new ReconcileAction(driver, "deselected", null, selected is null ? "links into removed variants taken away" : $"variant '{selected}' is gone")
            : new ReconcileAction(driver, "kept", null, "nothing selected and nothing to select");
    }

    private static void Note(SwitchPlan plan, List<string> changedKernels, Dictionary<string, IReadOnlyList<string>> added, HostRoot root)
    {
        changedKernels.AddRange(plan.Kernels.Where(k => !changedKernels.Contains(k)));
        foreach ((string kernel, IReadOnlyList<string> modules) in AddedModules(root, plan))
        {
            added[kernel] = [.. added.GetValueOrDefault(kernel) ?? [], .. modules];
        }
    }

    private static bool TryApply(HostSession session, SwitchPlan plan, SwitchOptions options, DiagnosticLog log, out Failure? failure)
    {
        failure = null;
        if (plan.ChangesNothing)
        {
            return true;
        }

        failure = SwitchExecutor.Execute(session.State!, session.Folders, plan.Journal, options.Crash);
        if (failure is not null)
        {
            return false;
        }

        session.RecordHistory(plan.Journal, plan.Kernels, plan.MovedAside, log);
        return true;
    }

    /// <summary>Signatures, kABI and notes of the variant in every kernel that has it, judged by the policy; the first refusal, or null.</summary>
    private static Failure? CheckIntegrity(HostRoot root, DriverListing listing, string driver, string variant, SwitchOptions options, DiagnosticLog log)
    {
        if (options.Integrity is null)
        {
            return null;
        }

        using var codecs = new Modules.NativeCodecs();
        var checker = new Integrity.IntegrityChecker(root, options.Integrity, codecs);
        foreach (CatalogVariant source in listing.Kernels.SelectMany(k => k.Variants).Where(v => IsVariantFolder(v, driver, variant)))
        {
            Failure? refusal = checker.Judge(checker.Check(source), options.Force, log);
            if (refusal is not null)
            {
                return refusal;
            }
        }

        return null;
    }

    private static bool HardwarePresent(DriverListing listing, string driver, string variant)
    {
        foreach (DriverEntry entry in listing.Drivers)
        {
            foreach (VariantEntry candidate in entry.Variants)
            {
                if (candidate.Sources.Any(s => IsVariantFolder(s, driver, variant)))
                {
                    return candidate.HardwarePresent;
                }
            }
        }

        return false;
    }

    private static bool IsVariantFolder(CatalogVariant source, string driver, string variant) =>
        source.Directory.EndsWith("/dmv/" + driver + "/" + variant, StringComparison.Ordinal);

    private static Dictionary<string, IReadOnlyList<string>> AddedModules(HostRoot root, SwitchPlan plan) =>
        plan.Journal.Changes
            .Where(c => c.NewTarget is not null)
            .GroupBy(c => c.Kernel)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<string>)g.Select(c => c.Updates + "/" + c.Name).ToList());

    private static List<HookResult> RunHooks(HostSession session, IReadOnlyList<string> kernels, IReadOnlyDictionary<string, IReadOnlyList<string>> added, SwitchOptions options) =>
        session.RunHooks(kernels, added, options.Hooks, options.LockTimeout);

    private static void RecordDecision(HostSession session, string driver, bool deselected, DiagnosticLog log)
    {
        int errno = DeselectionRecord.Set(session.State!, driver, deselected, log);
        if (errno != 0)
        {
            log.Warn(session.State!.PathOf(DeselectionRecord.Name), $"the {(deselected ? "deselection" : "selection")} of '{driver}' is not recorded: {Errno.Describe(errno)}");
        }
    }

    private static string NewId() =>
        $"{Environment.ProcessId}-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds():x}";
}
