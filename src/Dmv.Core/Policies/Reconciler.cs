using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.Listing;
using Dmv.Core.Catalog;
using Dmv.Core.Links;
using Dmv.Core.Switching;

namespace Dmv.Core.Policies;

/// <summary>
/// reconcile's policy, run as one <see cref="SwitchTransaction"/>: brings drivers whose variants
/// were just installed, upgraded or removed (by packages) back to a valid selection. A selected
/// variant that is still there is re-pointed (its files may have moved), one that is gone is
/// deselected, and a driver left with nothing selected gets auto-select's choice. Each kernel is
/// judged on its own: a kernel whose copy of the selected variant is refused is deselected there
/// and reported, and the other kernels keep it. With <c>pending</c> the drivers are those the
/// package scriptlets recorded, taken under the lock.
/// </summary>
internal static class Reconciler
{
    public static bool TryReconcile(HostRoot root, IReadOnlyList<string> named, bool pending, SwitchOptions options, DiagnosticLog log, out List<ReconcileAction> actions, out List<HookResult> hooks, out List<string> madeRelative, [NotNullWhen(false)] out Failure? failure)
    {
        actions = [];
        hooks = [];
        madeRelative = [];
        foreach (string name in named)
        {
            if ((failure = NameRules.CheckName("driver", name)) is not null)
            {
                return false;
            }
        }

        if (!SwitchTransaction.TryBegin(root, options, log, out SwitchTransaction? transaction, out failure))
        {
            return false;
        }

        using (transaction)
        {
            SwitchTransaction open = transaction;
            if (!open.TryDeselectedDrivers(out _, out failure))
            {
                return false;
            }

            // A name given on the command line that has neither variants nor links is a mistake, as
            // for select (ENOENT), not "nothing to do". Checked before the pending list is taken.
            var scopes = new List<DriverScope>();
            foreach (string name in named)
            {
                if (!SelectionService.TryScope(open, name, log, out DriverScope? scope, out failure))
                {
                    return false;
                }

                scopes.Add(scope);
            }

            foreach (string name in pending ? PendingDrivers.Read(open.State, log) : [])
            {
                // A package's name for its driver may be neither listed nor a folder any more (it was removed): nothing to do then.
                if (SelectionService.TryScope(open, name, log, out DriverScope? scope, out Failure? unknown))
                {
                    scopes.Add(scope);
                }
                else if (unknown.Errno != Errno.ENOENT)
                {
                    log.Warn(name, unknown.Message);
                }
            }

            foreach (DriverScope scope in scopes.DistinctBy(static s => s.Name, StringComparer.Ordinal))
            {
                actions.Add(ReconcileOne(open, scope));
            }

            if (pending)
            {
                PendingDrivers.Clear(open.State);
            }

            hooks = open.Finish();
            madeRelative = [.. open.MadeRelative];
            return true;
        }
    }

    private static ReconcileAction ReconcileOne(SwitchTransaction transaction, DriverScope scope)
    {
        DriverListing listing = transaction.Listing;
        DriverEntry? entry = listing.Driver(scope.Name);

        // Each kernel keeps its own selection, named by its links (even dangling ones: an upgrade
        // may have moved the files); a kernel with no link of the driver yet (a new kernel) gets
        // the selection -l reports, when it has that variant.
        string? reported = entry?.Selected ?? transaction.VariantNamedByLinks(scope);
        var keep = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var drop = new HashSet<string>(StringComparer.Ordinal);
        var linkedKernels = transaction.PlanDeselect(scope).Kernels.ToHashSet(StringComparer.Ordinal);
        for (int k = 0; k < listing.Kernels.Count; k++)
        {
            string kernel = listing.Kernels[k].Release;
            bool linked = linkedKernels.Contains(kernel);
            // A driver on trial gets no links in a kernel that had none (one installed since): its rollback restores what each had.
            string? target = linked ? listing.Selections[k].SelectedOf(scope.Name) ?? transaction.VariantNamedByLinks(scope, kernel)
                : transaction.TrialOf(scope.Name) is null ? reported : null;
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
        var repointedKernels = new List<string>();
        foreach ((string name, List<string> kernels) in keep)
        {
            // Its hardware was accepted when it was selected: forced past that check, never past the gate.
            SwitchPlan plan = transaction.PlanSelect(scope, entry!.Variant(name)!, force: true, kernels.ToHashSet(StringComparer.Ordinal), operation: SwitchOperation.RePoint);
            // A kernel that cannot be written loses the driver's links below, like one whose copy was refused.
            if (!transaction.TryApply(ref plan, static _ => null, out Failure? failure))
            {
                return new ReconcileAction(scope.Name, ReconcileOutcome.Failed, name, $"cannot re-point the links of '{name}': {failure.Message}", failure);
            }

            repointedKernels.AddRange(plan.ChangesNothing ? [] : plan.Kernels);
            failed.AddRange(plan.Failed);
            drop.UnionWith(plan.Failed.Select(static f => f.Kernel));
            kept.AddRange(kernels.Except(plan.Failed.Select(static f => f.Kernel)));
        }

        // A kernel whose copy of the selection is gone loses the driver's links too: while other kernels
        // keep the selection, that is a kernel the selection could not be kept in, and said so.
        if (kept.Count > 0)
        {
            foreach (string kernel in drop.Where(k => !failed.Any(f => f.Kernel == k)).Order(StringComparer.Ordinal))
            {
                failed.Add(new KernelFailure(kernel, new Failure(Errno.ENOENT, $"kernel {kernel} has no usable copy of the selected variant any more")));
            }
        }

        transaction.WarnFailedKernels(scope.Name, failed, "whose links of the driver are removed");
        SwitchPlan removal = transaction.PlanDeselect(scope, drop, SwitchOperation.Unlink);
        if (!transaction.TryApply(ref removal, static _ => null, out Failure? deselectFailure) || removal.Failed.Count > 0)
        {
            deselectFailure ??= removal.Failed[0].Failure;
            return new ReconcileAction(scope.Name, ReconcileOutcome.Failed, reported, $"cannot deselect: {deselectFailure.Message}", deselectFailure, [.. failed, .. removal.Failed]);
        }

        string? deciding = listing.Kernels.Select(static c => c.Release).FirstOrDefault(k => kept.Contains(k) || drop.Contains(k));
        Failure? decidingFailure = failed.FirstOrDefault(f => f.Kernel == deciding)?.Failure;
        if (kept.Count > 0)
        {
            string variant = listing.Kernels.Select(static c => c.Release).Where(kept.Contains).Select(k => keep.First(p => p.Value.Contains(k)).Key).First();
            transaction.Switched(scope.Name, variant, kept);
            var done = new List<string>();
            if (repointedKernels.Count > 0)
            {
                done.Add($"links re-pointed in {string.Join(", ", repointedKernels)}");
            }

            if (!removal.ChangesNothing)
            {
                done.Add($"links removed in {string.Join(", ", removal.Kernels)}");
            }

            string detail = done.Count == 0 ? "links already right" : string.Join("; ", done);
            return new ReconcileAction(scope.Name, repointedKernels.Count > 0 ? ReconcileOutcome.RePointed : ReconcileOutcome.Kept, variant, detail + FailedKernelsText(failed), decidingFailure, failed);
        }

        transaction.Switched(scope.Name, null, removal.Kernels);
        transaction.TryDeselectedDrivers(out HashSet<string> deselected, out _);
        if (entry is not null && deselected.Contains(scope.Name))
        {
            return removal is { ChangesNothing: false }
                ? new ReconcileAction(scope.Name, ReconcileOutcome.Deselected, null, $"variant '{reported}' is gone; the driver was deselected by an administrator, so nothing else is selected")
                : new ReconcileAction(scope.Name, ReconcileOutcome.Kept, null, "deselected by an administrator: auto-select leaves it alone until it is selected again");
        }

        if (transaction.TrialOf(scope.Name) is { } trial)
        {
            // A trial's rollback restores what the driver had: a selection made now would be undone by it, or outlive it.
            return new ReconcileAction(scope.Name, removal is { ChangesNothing: false } ? ReconcileOutcome.Deselected : ReconcileOutcome.Kept, null, $"on trial {trial}: nothing is selected for it until the trial ends");
        }

        DriverListing after = transaction.Listing;
        AutoSelectChoice? choice = entry is null ? null : AutoSelector.Plan(after with { Drivers = [after.Driver(scope.Name)! with { Selected = null }] }, transaction.FailedBoots).FirstOrDefault();
        if (choice is not null)
        {
            VariantEntry variant = entry!.Variant(choice.Variant)!;
            SwitchPlan plan = transaction.PlanSelect(scope, variant, transaction.Options.Force, operation: SwitchOperation.AutoSelect);
            Failure? Decide(SwitchPlan p) => DecidingKernel.Failure(after, p, scope.Name, variant);
            Failure? failure = Decide(plan);
            if (failure is null && transaction.TryApply(ref plan, Decide, out failure))
            {
                transaction.WarnFailedKernels(scope.Name, plan.Failed);
                transaction.Switched(scope.Name, choice.Variant, plan.Kernels);
                return new ReconcileAction(scope.Name, ReconcileOutcome.Selected, choice.Variant, choice.Reason + FailedKernelsText([.. failed, .. plan.Failed]), null, [.. failed, .. plan.Failed]);
            }

            return new ReconcileAction(scope.Name, ReconcileOutcome.Failed, choice.Variant, $"auto-select's choice '{choice.Variant}' cannot be selected: {failure.Message}", failure, [.. failed, .. plan.Failed]);
        }

        if (decidingFailure is not null)
        {
            return new ReconcileAction(scope.Name, ReconcileOutcome.Failed, reported, $"'{reported}' cannot stay selected: {decidingFailure.Message}; deselected", decidingFailure, failed);
        }

        return removal is { ChangesNothing: false }
            ? new ReconcileAction(scope.Name, ReconcileOutcome.Deselected, null, (reported is null ? "links into removed variants taken away" : $"variant '{reported}' is gone") + FailedKernelsText(failed), null, failed)
            : new ReconcileAction(scope.Name, ReconcileOutcome.Kept, null, "nothing selected and nothing to select");
    }

    private static string FailedKernelsText(IReadOnlyList<KernelFailure> failed) =>
        failed.Count == 0 ? "" : "; not in " + string.Join(", ", failed.Select(static f => $"{f.Kernel} ({f.Failure.Message})"));
}
