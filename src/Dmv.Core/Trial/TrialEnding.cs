using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.Listing;
using Dmv.Core.Policies;
using Dmv.Core.Switching;
using Dmv.Core.State;

namespace Dmv.Core.Trial;

/// <summary>The ends of a trial: settled after a boot that fell back, confirmed, or rolled back by hand.</summary>
internal static partial class TrialService
{
    /// <summary>
    /// trial settle, early on the host (before udev triggers): after a boot that fell back, the
    /// host's links go back as the initrd's did, the variant is marked when it used up its tries,
    /// grubenv says rolled-back, the record ends, then the initrd is rebuilt. Nothing when the trial
    /// was tried (confirm decides) or was armed in this very boot.
    /// </summary>
    public static bool TrySettle(HostRoot root, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out SettleOutcome? outcome, [NotNullWhen(false)] out Failure? failure)
    {
        outcome = null;
        if (!TryBegin(root, options, log, out TrialLock? held, out TrialRecord? record, out failure))
        {
            return false;
        }

        using (held)
        {
            if (record is not { IsPending: true })
            {
                bool undone = record?.Reason?.StartsWith("arming was interrupted", StringComparison.Ordinal) == true && record.EndedAt == Now();
                outcome = new SettleOutcome(record, BootDecision.Decide(null, CommandLine(root)), [], [], undone ? $"trial {record!.Id}: {record.Reason}" : "no trial is pending");
                return true;
            }

            if (record.ArmedInBoot is not null && record.ArmedInBoot == BootId(root))
            {
                outcome = new SettleOutcome(record, new BootDecision(record.Id, BootDecision.None, null, null, null), [], [], "the trial was armed in this boot; the next boot tries it");
                return true;
            }

            BootDecision decision = BootDecision.Decide(record, CommandLine(root));
            if (!decision.FallsBack)
            {
                outcome = new SettleOutcome(record, decision, [], [], "this boot tries the variant: 'driver-tool trial confirm' keeps it once the host is up");
                return true;
            }

            bool usedUp = decision.Reason == BootDecision.TriesUsedUp;
            if (!TryEnd(root, held, record, decision.Detail!, markFailed: usedUp, keepInTree: !usedUp, options, log, out List<SwitchOutcome> switched, out List<HookResult> hooks, out failure))
            {
                return false;
            }

            outcome = new SettleOutcome(record, decision, switched, hooks, decision.Detail!);
            return true;
        }
    }

    /// <summary>trial rollback: grubenv disarmed first (a crash after it is a boot that falls back), then the links back.</summary>
    public static bool TryRollback(HostRoot root, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out SettleOutcome? outcome, [NotNullWhen(false)] out Failure? failure)
    {
        outcome = null;
        if (!TryBegin(root, options, log, out TrialLock? held, out TrialRecord? record, out failure))
        {
            return false;
        }

        using (held)
        {
            if (record is not { IsPending: true })
            {
                failure = NoPendingTrial(record);
                return failure is null && (outcome = new SettleOutcome(record, BootDecision.Decide(null, null), [], [], "already rolled back")) is not null;
            }

            const string Reason = "rolled back by hand (driver-tool trial rollback)";
            // grubenv first, so a crash after it is a boot that falls back; one that cannot be written
            // does not keep the administrator from getting the previous selection back.
            if (held.Disarm(record, TrialStates.RolledBack) is { } unarmed)
            {
                log.Warn(record.BootConfig, $"{unarmed.Message}; grubenv still names the trial, and the next trial command or boot tells it the trial ended");
            }

            if (!TryEnd(root, held, record, Reason, markFailed: false, keepInTree: true, options, log, out List<SwitchOutcome> switched, out List<HookResult> hooks, out failure))
            {
                return false;
            }

            outcome = new SettleOutcome(record, BootDecision.Decide(null, null), switched, hooks, Reason);
            return true;
        }
    }

    /// <summary>
    /// trial confirm: the trial is good when this boot tried it (the token names it) and each variant
    /// on trial is active; <paramref name="force"/> confirms without looking. grubenv is cleared first:
    /// a record that says good while grub still counts would fall back after all.
    /// </summary>
    public static bool TryConfirm(HostRoot root, bool force, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out TrialRecord? confirmed, out List<HookResult> hooks, [NotNullWhen(false)] out Failure? failure)
    {
        confirmed = null;
        hooks = [];
        if (!TryBegin(root, options, log, out TrialLock? held, out TrialRecord? record, out failure))
        {
            return false;
        }

        using (held)
        {
            if (record is not { IsPending: true })
            {
                confirmed = record;
                failure = record?.State == TrialStates.Good ? null : NoPendingTrial(record) ?? new Failure(Errno.ENOENT, $"trial {record!.Id} was rolled back ({record.Reason}); there is nothing to confirm");
                return failure is null;
            }

            if (!force && (failure = NotTried(root, record, options, log)) is not null)
            {
                return false;
            }

            // The record first, then an initrd that carries it, then grubenv: a crash at any point
            // leaves grub still counting a trial the record calls good, which the next trial command
            // finishes (TryBegin); the other order would leave an initrd that falls back at every boot.
            record.TriesLeftAtEnd = TrialStatus.Of(root, record).TriesLeft;
            record.State = TrialStates.Good;
            record.EndedAt = Now();
            record.Reason = force ? "confirmed by hand (--force)" : "the host came up with the variants on trial active";
            if ((failure = held.Write(record)) is not null)
            {
                return false;
            }

            options.Crash.Passed();
            foreach (TrialDriver driver in record.Drivers)
            {
                HistoryLog.Record(held.State, $"{record.Id}-good-{driver.Driver}", SwitchOperation.TrialGood, driver.Driver, driver.Variant, driver.Kernels.Select(static k => k.Kernel), [], log);
            }

            hooks = FinishGood(root, held, record, options, log, out failure);
            confirmed = record;
            return failure is null;
        }
    }

    /// <summary>
    /// A trial the record calls good, finished: a kernel installed during the trial linked like the
    /// others (reconcile), the initrds rebuilt with the ended record, then grubenv told the trial is
    /// good (<c>dt_trial=good</c>, whose token <c>ID:good</c> keeps the variant even in an initrd made
    /// while the trial was pending — whatever came of the rebuild).
    /// </summary>
    private static List<HookResult> FinishGood(HostRoot root, TrialLock held, TrialRecord record, SwitchOptions options, DiagnosticLog log, out Failure? failure)
    {
        var hooks = new List<HookResult>();
        if (Reconciler.TryReconcile(root, record.Drivers.Select(static d => d.Driver), pending: false, options, log, out _, out List<HookResult> linked, out _, out Failure? unreconciled))
        {
            hooks.AddRange(linked);
        }
        else
        {
            log.Warn(record.Id, $"the drivers of the trial could not be reconciled: {unreconciled.Message}");
        }

        List<string> rebuilt = hooks.Where(static h => h.Hook == "dracut").Select(static h => h.Kernel);
        List<string> kernels = record.Drivers.SelectMany(static d => d.Kernels.Select(static k => k.Kernel)).Distinct(StringComparer.Ordinal).Where(k => !rebuilt.Contains(k));
        hooks.AddRange(HookRunner.Run(root, kernels, new Dictionary<string, IReadOnlyList<string>>(), options.Hooks with { SkipDepmod = true }));
        options.Crash.Passed();
        failure = held.Disarm(record, TrialStates.Good);
        return hooks;
    }

    /// <summary>Why this boot does not show the trial working (EAGAIN), or null.</summary>
    private static Failure? NotTried(HostRoot root, TrialRecord record, SwitchOptions options, DiagnosticLog log)
    {
        string? token = BootDecision.TokenOf(CommandLine(root));
        if (token != record.Id)
        {
            return new Failure(Errno.EAGAIN, $"this boot did not try trial {record.Id} (the kernel command line has {(token is null ? $"no {BootDecision.TokenName}=" : $"{BootDecision.TokenName}={token}")}); reboot to try it, or --force confirms it untried");
        }

        DriverListing listing = DriverListingBuilder.Build(root, new ListingOptions(options.ReadHardware, options.RunningKernel), new DiagnosticLog());
        foreach (TrialDriver driver in record.Drivers)
        {
            string? active = listing.Driver(driver.Driver)?.Active;
            if (active != driver.Variant)
            {
                return new Failure(Errno.EAGAIN, $"variant '{driver.Variant}' of '{driver.Driver}' is not active in this boot ({(active is null ? "no variant is" : $"'{active}' is")}: its module did not load); --force confirms it anyway");
            }
        }

        return null;
    }


    /// <summary>
    /// Ends a pending trial by rolling it back: the links (journalled), then — before the hooks, so
    /// the rebuilt initrd carries the ended record — the mark, grubenv and the record.
    /// </summary>
    private static bool TryEnd(HostRoot root, TrialLock held, TrialRecord record, string reason, bool markFailed, bool keepInTree, SwitchOptions options, DiagnosticLog log, out List<SwitchOutcome> switched, out List<HookResult> hooks, [NotNullWhen(false)] out Failure? failure)
    {
        Failure? ending = null;
        void Record(StateDirectory state)
        {
            if (markFailed)
            {
                foreach (TrialDriver driver in record.Drivers)
                {
                    int errno = FailedBootRecord.Set(state, driver.Driver, driver.Variant, record.Id, log);
                    if (errno != 0)
                    {
                        log.Warn(state.PathOf(FailedBootRecord.Name), $"'{driver.Variant}' of '{driver.Driver}' is not marked as failed to boot: {Errno.Describe(errno)}");
                    }
                }
            }

            int triesLeft = TrialStatus.Of(root, record).TriesLeft;
            options.Crash.Passed();
            ending = held.Disarm(record, TrialStates.RolledBack);
            if (ending is not null)
            {
                log.Warn(record.BootConfig, $"{ending.Message}; grubenv still names the trial, so its next boot falls back and settles again");
            }

            options.Crash.Passed();
            record.TriesLeftAtEnd = triesLeft;
            record.State = TrialStates.RolledBack;
            record.EndedAt = Now();
            record.Reason = reason;
            ending = held.Write(record);
        }

        if (!SelectionService.TryRollBack(root, record, onlyKernel: null, keepInTree, options, log, out switched, out hooks, out failure, Record))
        {
            return false;
        }

        failure = ending;
        return failure is null;
    }
}
