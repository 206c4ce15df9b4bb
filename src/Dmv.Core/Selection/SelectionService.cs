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
        failure = NameRules.CheckName("driver", driver) ?? NameRules.CheckName("variant", variant);
        if (failure is not null || !HostSession.TryBeginWrite(root, options.LockTimeout, log, out HostSession? session, out failure))
        {
            return false;
        }

        using (session)
        {
            DriverListing listing = DriverListingBuilder.Build(root, new ListingOptions(options.ReadHardware, options.RunningKernel), log);
            failure = NameResolver.ResolveDriver(listing, driver, log, out DriverEntry? entry);
            VariantEntry? chosen = null;
            if (failure is not null || (failure = NameResolver.ResolveVariant(entry!, variant, out chosen)) is not null)
            {
                return false;
            }

            if (!options.Force && !chosen!.HardwarePresent)
            {
                failure = new Failure(Errno.ENODEV, $"no hardware present matches variant '{chosen.Name}' of driver '{entry!.Name}'; --force selects it anyway");
                return false;
            }

            using var gate = new IntegrityGate(root, options, log);
            SwitchPlan plan = Planner(session!, listing).PlanSelect(DriverScope.Of(entry!), chosen!, options.Force, gate.Judge);
            if ((failure = SelectFailure(listing, plan, entry!.Name, chosen!)) is not null || !TryApply(session!, plan, options, log, out failure))
            {
                return false;
            }

            WarnFailedKernels(entry!.Name, plan.Failed, log);

            // An explicit select ends an administrator's deselection: auto-select may act again.
            RecordDecision(session!, entry.Name, deselected: false, log);
            DriverListing after = listing.AfterSwitch(entry.Name, chosen!.Name, plan.Kernels);
            session!.ReleaseTree();
            var changes = new KernelChanges();
            changes.Add(plan);
            List<HookResult> hooks = RunHooks(session, changes.Kernels, changes.Added, options);
            outcome = new SwitchOutcome(entry.Name, chosen.Name, plan.Kernels, plan.MovedAside, hooks, after.RebootRequired, plan.Failed);
            return true;
        }
    }

    public static bool TryDeselect(HostRoot root, string driver, SwitchOptions options, DiagnosticLog log, out SwitchOutcome? outcome, out Failure? failure)
    {
        outcome = null;
        failure = NameRules.CheckName("driver", driver);
        if (failure is not null || !HostSession.TryBeginWrite(root, options.LockTimeout, log, out HostSession? session, out failure))
        {
            return false;
        }

        using (session)
        {
            DriverListing listing = DriverListingBuilder.Build(root, new ListingOptions(options.ReadHardware, options.RunningKernel), log);
            if (!TryScope(session!, listing, driver, log, out DriverScope? scope, out failure))
            {
                return false;
            }

            SwitchPlan plan = Planner(session!, listing).PlanDeselect(scope!);
            if ((failure = PrimaryFailure(listing, plan)) is not null || !TryApply(session!, plan, options, log, out failure))
            {
                return false;
            }

            WarnFailedKernels(scope!.Name, plan.Failed, log);
            RecordDecision(session!, scope.Name, deselected: true, log);
            DriverListing after = listing.AfterSwitch(scope.Name, null, plan.Kernels);
            session!.ReleaseTree();
            List<HookResult> hooks = RunHooks(session, plan.Kernels, new Dictionary<string, IReadOnlyList<string>>(), options);
            outcome = new SwitchOutcome(scope.Name, null, plan.Kernels, [], hooks, after.RebootRequired, plan.Failed);
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
            var changes = new KernelChanges();
            using var gate = new IntegrityGate(root, options, log);
            foreach (AutoSelectChoice choice in choices)
            {
                // One refused driver (an untrusted signature, say) must not keep the others, or the
                // hooks for those already switched, from running: at boot that is the difference
                // between one driver and every driver falling back to the in-tree module.
                DriverEntry entry = listing.Driver(choice.Driver)!;
                VariantEntry variant = entry.Variant(choice.Variant)!;
                SwitchPlan plan = Planner(session!, listing).PlanSelect(DriverScope.Of(entry), variant, options.Force, gate.Judge);
                if ((failure = SelectFailure(listing, plan, entry.Name, variant)) is not null
                    || !TryApply(session!, plan, options, log, out failure))
                {
                    log.Warn(choice.Driver, $"'{choice.Variant}' not selected: {failure!.Message}");
                    refused.Add((choice.Driver, failure));
                    continue;
                }

                WarnFailedKernels(entry.Name, plan.Failed, log);
                listing = listing.AfterSwitch(choice.Driver, choice.Variant, plan.Kernels);
                changes.Add(plan);
                switched.Add(new SwitchOutcome(choice.Driver, choice.Variant, plan.Kernels, plan.MovedAside, [], false, plan.Failed));
            }

            session!.ReleaseTree();
            List<HookResult> hooks = RunHooks(session, changes.Kernels, changes.Added, options);
            outcome = new AutoSelectOutcome(choices, switched, refused, hooks, listing.RebootRequired, DryRun: false);
            failure = null;
            return true;
        }
    }

    /// <summary>
    /// Brings drivers whose variants were just installed, upgraded or removed (by packages) back
    /// to a valid selection: a selected variant that is still there is re-pointed (its files may
    /// have moved), one that is gone is deselected, and a driver left with nothing selected gets
    /// auto-select's choice. Each kernel is judged on its own: a kernel whose copy of the selected
    /// variant is refused is deselected there and reported, and the other kernels keep it. Hooks
    /// run once, for every kernel changed. With <paramref name="pending"/> the drivers are those
    /// the package scriptlets recorded, taken under the lock.
    /// </summary>
    public static bool TryReconcile(HostRoot root, IReadOnlyList<string> named, bool pending, SwitchOptions options, DiagnosticLog log, out List<ReconcileAction> actions, out List<HookResult> hooks, out Failure? failure)
    {
        actions = [];
        hooks = [];
        foreach (string name in named)
        {
            if ((failure = NameRules.CheckName("driver", name)) is not null)
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
            DriverListing listing = DriverListingBuilder.Build(root, new ListingOptions(options.ReadHardware, options.RunningKernel), log);

            // A name given on the command line that has neither variants nor links is a mistake, as
            // for select (ENOENT), not "nothing to do". Checked before the pending list is taken.
            var scopes = new List<DriverScope>();
            foreach (string name in named)
            {
                if (!TryScope(session!, listing, name, log, out DriverScope? scope, out failure))
                {
                    return false;
                }

                scopes.Add(scope!);
            }

            foreach (string name in pending ? PendingDrivers.Read(session!.State!, log) : [])
            {
                // A package's name for its driver may be neither listed nor a folder any more (it was removed): nothing to do then.
                if (TryScope(session!, listing, name, log, out DriverScope? scope, out Failure? unknown))
                {
                    scopes.Add(scope!);
                }
                else if (unknown!.Errno != Errno.ENOENT)
                {
                    log.Warn(name, unknown.Message);
                }
            }

            var changes = new KernelChanges();
            using var gate = new IntegrityGate(root, options, log);
            foreach (DriverScope scope in scopes.DistinctBy(static s => s.Name, StringComparer.Ordinal))
            {
                actions.Add(ReconcileOne(session!, listing, scope, options, gate, changes, log, out listing));
            }

            if (pending)
            {
                PendingDrivers.Clear(session!.State!);
            }

            session!.ReleaseTree();
            hooks = RunHooks(session, changes.Kernels, changes.Added, options);
            return true;
        }
    }

    private static ReconcileAction ReconcileOne(HostSession session, DriverListing listing, DriverScope scope, SwitchOptions options, IntegrityGate gate, KernelChanges changes, DiagnosticLog log, out DriverListing after)
    {
        after = listing;
        DriverEntry? entry = listing.Driver(scope.Name);
        SwitchPlanner planner = Planner(session, listing);

        // Each kernel keeps its own selection, named by its links (even dangling ones: an upgrade
        // may have moved the files); a kernel with no link of the driver yet (a new kernel) gets
        // the selection -l reports, when it has that variant.
        string? reported = entry?.Selected ?? planner.VariantNamedByLinks(scope);
        var keep = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var drop = new HashSet<string>(StringComparer.Ordinal);
        var linkedKernels = planner.PlanDeselect(scope).Kernels.ToHashSet(StringComparer.Ordinal);
        for (int k = 0; k < listing.Kernels.Count; k++)
        {
            string kernel = listing.Kernels[k].Release;
            bool linked = linkedKernels.Contains(kernel);
            string? target = linked ? listing.Selections[k].SelectedOf(scope.Name) ?? planner.VariantNamedByLinks(scope, kernel) : reported;
            VariantEntry? variant = target is null ? null : entry?.Variant(target);
            if (variant is not null && variant.Sources.Any(s => s.Kernel == kernel))
            {
                keep.TryAdd(variant.Name, []);
                keep[variant.Name].Add(kernel);
            }
            else if (linked)
            {
                drop.Add(kernel);
            }
        }

        var failed = new List<KernelFailure>();
        var kept = new List<string>();
        bool repointed = false;
        foreach ((string name, List<string> kernels) in keep)
        {
            // Its hardware was accepted when it was selected: forced past that check, never past the gate.
            SwitchPlan plan = planner.PlanSelect(scope, entry!.Variant(name)!, force: true, gate.Judge, kernels.ToHashSet(StringComparer.Ordinal));
            if (!TryApply(session, plan, options, log, out Failure? failure))
            {
                return new ReconcileAction(scope.Name, ReconcileOutcome.Failed, name, $"cannot re-point the links of '{name}': {failure!.Message}", failure);
            }

            changes.Add(plan);
            repointed |= !plan.ChangesNothing;
            failed.AddRange(plan.Failed);
            drop.UnionWith(plan.Failed.Select(static f => f.Kernel));
            kept.AddRange(kernels.Except(plan.Failed.Select(static f => f.Kernel)));
        }

        WarnFailedKernels(scope.Name, failed, log);
        SwitchPlan removal = planner.PlanDeselect(scope, drop);
        if (!TryApply(session, removal, options, log, out Failure? deselectFailure) || removal.Failed.Count > 0)
        {
            deselectFailure ??= removal.Failed[0].Failure;
            return new ReconcileAction(scope.Name, ReconcileOutcome.Failed, reported, $"cannot deselect: {deselectFailure.Message}", deselectFailure, [.. failed, .. removal.Failed]);
        }

        changes.Add(removal);
        string? primary = listing.Kernels.Select(static c => c.Release).FirstOrDefault(k => kept.Contains(k) || drop.Contains(k));
        Failure? primaryFailure = failed.FirstOrDefault(f => f.Kernel == primary)?.Failure;
        if (kept.Count > 0)
        {
            string variant = listing.Kernels.Select(static c => c.Release).Where(kept.Contains).Select(k => keep.First(p => p.Value.Contains(k)).Key).First();
            after = listing.AfterSwitch(scope.Name, variant, kept);
            string detail = repointed || !removal.ChangesNothing ? $"links re-pointed in {string.Join(", ", kept)}" : "links already right";
            return new ReconcileAction(scope.Name, repointed ? ReconcileOutcome.RePointed : ReconcileOutcome.Kept, variant, detail + FailedKernelsText(failed), primaryFailure, failed);
        }

        after = listing.AfterSwitch(scope.Name, null, removal.Kernels);
        if (entry is not null && !options.IncludeDeselected && DeselectionRecord.Read(session.State, log).Contains(scope.Name))
        {
            return removal is { ChangesNothing: false }
                ? new ReconcileAction(scope.Name, ReconcileOutcome.Deselected, null, $"variant '{reported}' is gone; the driver was deselected by an administrator, so nothing else is selected")
                : new ReconcileAction(scope.Name, ReconcileOutcome.Kept, null, "deselected by an administrator: auto-select leaves it alone until it is selected again");
        }

        AutoSelectChoice? choice = entry is null ? null : AutoSelector.Plan(after with { Drivers = [after.Driver(scope.Name)! with { Selected = null }] }).FirstOrDefault();
        if (choice is not null)
        {
            VariantEntry variant = entry!.Variant(choice.Variant)!;
            SwitchPlan plan = Planner(session, after).PlanSelect(scope, variant, options.Force, gate.Judge);
            Failure? failure = SelectFailure(after, plan, scope.Name, variant);
            if (failure is null && TryApply(session, plan, options, log, out failure))
            {
                changes.Add(plan);
                WarnFailedKernels(scope.Name, plan.Failed, log);
                after = after.AfterSwitch(scope.Name, choice.Variant, plan.Kernels);
                return new ReconcileAction(scope.Name, ReconcileOutcome.Selected, choice.Variant, choice.Reason + FailedKernelsText([.. failed, .. plan.Failed]), null, [.. failed, .. plan.Failed]);
            }

            return new ReconcileAction(scope.Name, ReconcileOutcome.Failed, choice.Variant, $"auto-select's choice '{choice.Variant}' cannot be selected: {failure!.Message}", failure, [.. failed, .. plan.Failed]);
        }

        if (primaryFailure is not null)
        {
            return new ReconcileAction(scope.Name, ReconcileOutcome.Failed, reported, $"'{reported}' cannot stay selected: {primaryFailure.Message}; deselected", primaryFailure, failed);
        }

        return removal is { ChangesNothing: false }
            ? new ReconcileAction(scope.Name, ReconcileOutcome.Deselected, null, (reported is null ? "links into removed variants taken away" : $"variant '{reported}' is gone") + FailedKernelsText(failed), null, failed)
            : new ReconcileAction(scope.Name, ReconcileOutcome.Kept, null, "nothing selected and nothing to select");
    }

    /// <summary>
    /// The driver a deselect or reconcile names: as -l lists it, by folder, or — when its catalog
    /// is gone but links into dmv/NAME/ remain — by that folder alone. ENOENT when none of these.
    /// </summary>
    private static bool TryScope(HostSession session, DriverListing listing, string name, DiagnosticLog log, out DriverScope? scope, out Failure? failure)
    {
        failure = NameResolver.ResolveDriver(listing, name, log, out DriverEntry? entry);
        scope = entry is null ? DriverScope.FolderOnly(name) : DriverScope.Of(entry);
        if (failure is null)
        {
            return true;
        }

        // Only a name that could be a folder, and only when links into it are left, falls back to the folder.
        bool folderOnly = failure.Errno == Errno.ENOENT && NameRules.CheckComponent("driver", name) is null;
        SwitchPlan? removal = folderOnly ? Planner(session, listing).PlanDeselect(scope) : null;
        if (removal is null || (removal.ChangesNothing && removal.Failed.Count == 0))
        {
            return false;
        }

        failure = null;
        return true;
    }

    /// <summary>
    /// Per-kernel failures decide the command only in the kernel <c>-l</c> reports the selection
    /// from (the running kernel, else the newest that has the variant): there, the switch must be
    /// carried out, or nothing is changed and the command fails with that kernel's reason. Other
    /// kernels that cannot take it keep what they have and are reported in the reply.
    /// </summary>
    private static Failure? PrimaryFailure(DriverListing listing, SwitchPlan plan)
    {
        if (plan.Failed.Count == 0)
        {
            return null;
        }

        var involved = new HashSet<string>(plan.Kernels.Concat(plan.Failed.Select(static f => f.Kernel)), StringComparer.Ordinal);
        string? primary = listing.Kernels.Select(static k => k.Release).FirstOrDefault(involved.Contains);
        KernelFailure? failed = plan.Failed.FirstOrDefault(f => f.Kernel == primary);
        if (failed is null)
        {
            return null;
        }

        return involved.Count == 1
            ? failed.Failure
            : failed.Failure with { Message = $"kernel {failed.Kernel}: {failed.Failure.Message}; nothing was changed in any kernel" };
    }

    /// <summary>
    /// A select succeeds when the next -l shows it: the first kernel in -l's order that either has
    /// the variant or already has another selection of the driver decides. It must take the
    /// switch; one without the variant keeps its other selection, which -l would go on reporting.
    /// </summary>
    private static Failure? SelectFailure(DriverListing listing, SwitchPlan plan, string driver, VariantEntry variant)
    {
        bool several = variant.Sources.Select(static s => s.Kernel).Concat(plan.Failed.Select(static f => f.Kernel)).Distinct(StringComparer.Ordinal).Count() > 1;
        for (int k = 0; k < listing.Kernels.Count; k++)
        {
            string kernel = listing.Kernels[k].Release;
            if (plan.Failed.FirstOrDefault(f => f.Kernel == kernel) is KernelFailure failed)
            {
                return several ? failed.Failure with { Message = $"kernel {kernel}: {failed.Failure.Message}; nothing was changed in any kernel" } : failed.Failure;
            }

            if (variant.Sources.Any(s => s.Kernel == kernel))
            {
                return null;
            }

            if (listing.Selections[k].SelectedOf(driver) is string other)
            {
                return new Failure(Errno.ENOENT, $"kernel {kernel} has no variant '{variant.Name}' of '{driver}' and keeps '{other}', which -l reports; nothing was changed in any kernel");
            }
        }

        return null;
    }

    private static void WarnFailedKernels(string driver, IReadOnlyList<KernelFailure> failed, DiagnosticLog log)
    {
        foreach (KernelFailure kernel in failed)
        {
            log.Warn(driver, $"not switched in kernel {kernel.Kernel}, which keeps what it had: {kernel.Failure.Message}");
        }
    }

    private static string FailedKernelsText(IReadOnlyList<KernelFailure> failed) =>
        failed.Count == 0 ? "" : "; not in " + string.Join(", ", failed.Select(static f => $"{f.Kernel} ({f.Failure.Message})"));

    private static SwitchPlanner Planner(HostSession session, DriverListing listing) =>
        new(session.Folders, listing.Kernels, NewId(), DateTimeOffset.UtcNow);

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
