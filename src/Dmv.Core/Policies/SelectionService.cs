using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.Listing;
using Dmv.Core.State;
using Dmv.Core.Catalog;
using Dmv.Core.Links;
using Dmv.Core.Switching;

namespace Dmv.Core.Policies;

/// <summary>
/// The policies of select, deselect and auto-select, each run as one <see cref="SwitchTransaction"/>
/// (reconcile's is <see cref="Reconciler"/>).
/// </summary>
internal static class SelectionService
{
    public static bool TrySelect(HostRoot root, string driver, string variant, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out SwitchOutcome? outcome, [NotNullWhen(false)] out Failure? failure)
    {
        outcome = null;
        failure = NameRules.CheckName("driver", driver) ?? NameRules.CheckName("variant", variant);
        if (failure is not null || !SwitchTransaction.TryBegin(root, options, log, out SwitchTransaction? transaction, out failure))
        {
            return false;
        }

        using (transaction)
        {
            DriverListing listing = transaction.Listing;
            failure = NameResolver.ResolveDriver(listing, driver, log, out DriverEntry? entry);
            VariantEntry? chosen = null;
            if (failure is not null || (failure = NameResolver.ResolveVariant(entry!, variant, out chosen)) is not null)
            {
                return false;
            }

            if ((failure = transaction.RefuseDuringTrial(entry!.Name)) is not null)
            {
                return false;
            }

            if (!options.Force && !chosen!.HardwarePresent)
            {
                failure = new Failure(Errno.ENODEV, $"no hardware present matches variant '{chosen.Name}' of driver '{entry.Name}'; --force selects it anyway");
                return false;
            }

            SwitchPlan plan = transaction.PlanSelect(entry.Scope, chosen!, options.Force);
            Failure? Decide(SwitchPlan p) => DecidingKernel.Failure(listing, p, entry.Name, chosen);
            if ((failure = Decide(plan)) is not null || !TryApplyOnTrial(transaction, entry.Scope, chosen!.Name, entry.Selected, ref plan, Decide, out failure))
            {
                return false;
            }

            transaction.WarnFailedKernels(entry.Name, plan.Failed);

            // An explicit select is the administrator's word on a variant that failed to boot on a trial.
            if (transaction.FailedBoots.Contains(entry.Name, chosen.Name) && FailedBootRecord.Set(transaction.State, entry.Name, chosen.Name, null, log) is int errno and not 0)
            {
                log.Warn(transaction.State.PathOf(FailedBootRecord.Name), $"'{chosen.Name}' of '{entry.Name}' is still marked as failed to boot: {Errno.Describe(errno)}");
            }

            // An explicit select ends an administrator's deselection: auto-select may act again. (A switch
            // records it as it completes; one that changed no link records it here.)
            if (plan.ChangesNothing)
            {
                transaction.RecordDecision(entry.Name, deselected: false);
            }

            transaction.Switched(entry.Name, chosen.Name, plan.Kernels);
            List<HookResult> hooks = transaction.Finish();
            outcome = new SwitchOutcome(entry.Name, chosen.Name, plan.Kernels, plan.MovedAside, hooks, transaction.Listing.RebootRequired, plan.Failed, plan.Relinked) { Trial = transaction.NewTrial };
            return true;
        }
    }

    public static bool TryDeselect(HostRoot root, string driver, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out SwitchOutcome? outcome, [NotNullWhen(false)] out Failure? failure)
    {
        outcome = null;
        failure = NameRules.CheckName("driver", driver);
        if (failure is not null || !SwitchTransaction.TryBegin(root, options, log, out SwitchTransaction? transaction, out failure))
        {
            return false;
        }

        using (transaction)
        {
            if (!TryScope(transaction, driver, log, out DriverScope? scope, out failure))
            {
                return false;
            }

            if ((failure = transaction.RefuseDuringTrial(scope.Name)) is not null)
            {
                return false;
            }

            SwitchPlan plan = transaction.PlanDeselect(scope);
            Failure? Decide(SwitchPlan p) => DecidingKernel.Failure(transaction.Listing, p, scope.Name, variant: null);
            if ((failure = Decide(plan)) is not null || !transaction.TryApply(ref plan, Decide, out failure))
            {
                return false;
            }

            transaction.WarnFailedKernels(scope.Name, plan.Failed);
            if (plan.ChangesNothing)
            {
                transaction.RecordDecision(scope.Name, deselected: true);
            }

            transaction.Switched(scope.Name, null, plan.Kernels);
            List<HookResult> hooks = transaction.Finish();
            outcome = new SwitchOutcome(scope.Name, null, plan.Kernels, [], hooks, transaction.Listing.RebootRequired, plan.Failed, plan.Relinked);
            return true;
        }
    }

    /// <summary>
    /// For each driver with hardware present and nothing selected, selects the installer's choice
    /// (see <see cref="AutoSelector"/>). With <paramref name="dryRun"/> only the plan is returned.
    /// </summary>
    public static bool TryAutoSelect(HostRoot root, bool dryRun, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out AutoSelectOutcome? outcome, [NotNullWhen(false)] out Failure? failure)
    {
        outcome = null;
        if (dryRun)
        {
            using HostSession reader = HostSession.BeginRead(root, options.LockTimeout, log);
            DriverListing current = DriverListingBuilder.Build(root, new ListingOptions(options.ReadHardware, options.RunningKernel), log);
            HashSet<string> left = options.IncludeDeselected ? [] : DeselectionRecord.Read(reader.State, log);
            TrialRecordFile.TryRead(reader.State, out TrialRecord? trial, out _, out _);
            FailedBootRecord failedBoots = FailedBootRecord.Read(reader.State, log, out _);
            bool onTrial(string driver) => trial is { IsPending: true } && trial.Driver(driver) is not null;
            outcome = new AutoSelectOutcome(AutoSelector.Plan(current, failedBoots).Where(c => !left.Contains(c.Driver) && !onTrial(c.Driver)).ToList(), [], [], [], current.RebootRequired, DryRun: true);
            failure = null;
            return true;
        }

        if (!SwitchTransaction.TryBegin(root, options, log, out SwitchTransaction? transaction, out failure))
        {
            return false;
        }

        using (transaction)
        {
            if (!transaction.TryDeselectedDrivers(out HashSet<string> left, out failure))
            {
                return false;
            }

            if ((failure = transaction.RefuseSecondTrial()) is not null)
            {
                return false;
            }

            List<AutoSelectChoice> choices = AutoSelector.Plan(transaction.Listing, transaction.FailedBoots).Where(c => !left.Contains(c.Driver) && transaction.TrialOf(c.Driver) is null).ToList();
            var switched = new List<SwitchOutcome>();
            var refused = new List<(string Driver, Failure Failure)>();
            foreach (AutoSelectChoice choice in choices)
            {
                // One refused driver (an untrusted signature, say) must not keep the others, or the
                // hooks for those already switched, from running: at boot that is the difference
                // between one driver and every driver falling back to the in-tree module.
                DriverEntry entry = transaction.Listing.Driver(choice.Driver)!;
                VariantEntry variant = entry.Variant(choice.Variant)!;
                SwitchPlan plan = transaction.PlanSelect(entry.Scope, variant, options.Force, operation: SwitchOperation.AutoSelect);
                DriverListing listing = transaction.Listing;
                Failure? Decide(SwitchPlan p) => DecidingKernel.Failure(listing, p, entry.Name, variant);
                if ((failure = Decide(plan)) is not null || !TryApplyOnTrial(transaction, entry.Scope, variant.Name, null, ref plan, Decide, out failure))
                {
                    log.Warn(choice.Driver, $"'{choice.Variant}' not selected: {failure.Message}");
                    refused.Add((choice.Driver, failure));
                    continue;
                }

                transaction.WarnFailedKernels(entry.Name, plan.Failed);
                transaction.Switched(choice.Driver, choice.Variant, plan.Kernels);
                switched.Add(new SwitchOutcome(choice.Driver, choice.Variant, plan.Kernels, plan.MovedAside, [], false, plan.Failed));
            }

            List<HookResult> hooks = transaction.Finish();
            outcome = new AutoSelectOutcome(choices, switched, refused, hooks, transaction.Listing.RebootRequired, DryRun: false, [.. transaction.MadeRelative]) { Trial = transaction.NewTrial };
            failure = null;
            return true;
        }
    }

    /// <summary>
    /// Rolls a trial back: each of its drivers' links, in every kernel (or only <paramref name="onlyKernel"/>:
    /// the initrd's), back to the variant that kernel had before the trial, or removed where it had
    /// none (a kernel installed since the trial began has none). Each driver is one journalled switch
    /// per previous variant, then the hooks run once. <paramref name="keepInTree"/> records a driver
    /// that had nothing selected as deselected, so auto-select does not pick the variant again untried.
    /// </summary>
    /// <param name="beforeHooks">Run once the links are back, before the hooks: what must be in the rebuilt initrd.</param>
    public static bool TryRollBack(HostRoot root, TrialRecord trial, string? onlyKernel, bool keepInTree, SwitchOptions options, DiagnosticLog log, out List<SwitchOutcome> switched, out List<HookResult> hooks, [NotNullWhen(false)] out Failure? failure, Action<StateDirectory>? beforeHooks)
    {
        switched = [];
        hooks = [];
        if (!SwitchTransaction.TryBegin(root, options with { EndingTrial = trial.Id, Trial = null }, log, out SwitchTransaction? transaction, out failure))
        {
            return false;
        }

        using (transaction)
        {
            foreach (TrialDriver driver in trial.Drivers)
            {
                DriverEntry? entry = transaction.Listing.Driver(driver.Driver);
                DriverScope scope = entry is null ? DriverScope.FolderOnly(driver.Driver) : entry.Scope;
                var back = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
                var removed = new HashSet<string>(StringComparer.Ordinal);
                foreach (Catalog.KernelCatalog catalog in transaction.Listing.Kernels)
                {
                    string kernel = catalog.Release;
                    if (onlyKernel is not null && kernel != onlyKernel)
                    {
                        continue;
                    }

                    string? previous = driver.PreviousIn(kernel);
                    if (previous is not null && entry?.Variant(previous) is { } variant && variant.Sources.Any(s => s.Kernel == kernel))
                    {
                        back.TryAdd(previous, new HashSet<string>(StringComparer.Ordinal));
                        back[previous].Add(kernel);
                    }
                    else
                    {
                        removed.Add(kernel);
                    }
                }

                var plans = new List<(string? Variant, SwitchPlan Plan)>();
                foreach ((string previous, HashSet<string> kernels) in back)
                {
                    // What the kernel had before the trial: its hardware was accepted then, and the gate still judges it.
                    plans.Add((previous, transaction.PlanSelect(scope, entry!.Variant(previous)!, force: true, kernels, SwitchOperation.TrialRollback)));
                }

                plans.Add((null, transaction.PlanDeselect(scope, removed, SwitchOperation.TrialRollback)));
                foreach ((string? previous, SwitchPlan planned) in plans)
                {
                    SwitchPlan plan = planned;
                    if (!transaction.TryApply(ref plan, static _ => null, out failure))
                    {
                        return false;
                    }

                    transaction.WarnFailedKernels(driver.Driver, plan.Failed);
                    transaction.Switched(driver.Driver, previous, plan.Kernels);
                    if (!plan.ChangesNothing || plan.Failed.Count > 0)
                    {
                        switched.Add(new SwitchOutcome(driver.Driver, previous, plan.Kernels, plan.MovedAside, [], false, plan.Failed, plan.Relinked));
                    }
                }

                // As things were: a driver the administrator had deselected is deselected again; one
                // that had nothing and whose variant was never tried stays on its in-tree module.
                if (driver.DeselectedBefore || (keepInTree && driver.Previous is null))
                {
                    transaction.RecordDecision(driver.Driver, deselected: true);
                }
            }

            beforeHooks?.Invoke(transaction.State);
            hooks = transaction.Finish();
            return true;
        }
    }

    /// <summary>
    /// <see cref="SwitchTransaction.TryApply"/>; on trial (<see cref="SwitchOptions.Trial"/>), the
    /// trial's record names the driver before a link changes, and forgets it when nothing changed.
    /// </summary>
    private static bool TryApplyOnTrial(SwitchTransaction transaction, DriverScope driver, string variant, string? listedBefore, ref SwitchPlan plan, Func<SwitchPlan, Failure?> decide, [NotNullWhen(false)] out Failure? failure)
    {
        if (transaction.Options.Trial is null || plan.ChangesNothing)
        {
            return transaction.TryApply(ref plan, decide, out failure);
        }

        if ((failure = transaction.RecordTrialDriver(driver, variant, listedBefore, plan)) is not null)
        {
            return false;
        }

        if (!transaction.TryApply(ref plan, decide, out failure))
        {
            // After the commit mark (EINPROGRESS) the switch is done by the next run: the record stays, for it to be rolled back.
            if (failure.Errno != Errno.EINPROGRESS)
            {
                transaction.ForgetTrialDriver(driver.Name);
            }

            return false;
        }

        return true;
    }

    /// <summary>
    /// The driver a deselect or reconcile names: as -l lists it, by folder, or — when its catalog
    /// is gone but links into dmv/NAME/ remain — by that folder alone. ENOENT when none of these.
    /// </summary>
    internal static bool TryScope(SwitchTransaction transaction, string name, DiagnosticLog log, [NotNullWhen(true)] out DriverScope? scope, [NotNullWhen(false)] out Failure? failure)
    {
        failure = NameResolver.ResolveDriver(transaction.Listing, name, log, out DriverEntry? entry);
        scope = entry is null ? DriverScope.FolderOnly(name) : entry.Scope;
        if (failure is null)
        {
            return true;
        }

        // Only a name that could be a folder, and only when links into it are left, falls back to the folder.
        bool folderOnly = failure.Errno == Errno.ENOENT && NameRules.CheckComponent("driver", name) is null;
        SwitchPlan? removal = folderOnly ? transaction.PlanDeselect(scope) : null;
        if (removal is null || (removal.ChangesNothing && removal.Failed.Count == 0))
        {
            return false;
        }

        failure = null;
        return true;
    }
}
