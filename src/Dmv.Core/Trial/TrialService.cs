using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.Listing;
using Dmv.Core.Selection;
using Dmv.Core.State;

namespace Dmv.Core.Trial;

/// <summary>
/// Trial selections (driver-tool(8), "Trial selections"): arming (a select or auto-select whose
/// record is written before the links change, with grubenv armed last), the boot's decision, and
/// the three ways a trial ends — settled after a fall-back, confirmed once the host is up, rolled
/// back by hand. Every step is idempotent and each of them first finishes or undoes an arming a
/// crash cut short, all under the trial lock so two of them never interleave.
/// </summary>
public static class TrialService
{
    public const string LockName = "trial.lock";
    public const int DefaultTries = 3;

    /// <summary>select NAME VARIANT --trial: the switch and its record, then grubenv armed.</summary>
    public static bool TrySelect(HostRoot root, string driver, string variant, int tries, string? bootConfig, SwitchOptions options, DiagnosticLog log, out SwitchOutcome? outcome, out Failure? failure)
    {
        SwitchOutcome? selected = null;
        bool done = TryArm(root, tries, bootConfig, options, log, armed =>
        {
            bool ok = SelectionService.TrySelect(root, driver, variant, armed, log, out selected, out Failure? why);
            return (ok, selected?.Trial, why);
        }, out failure);
        outcome = selected;
        return done;
    }

    /// <summary>auto-select --trial: one trial for every driver it selects, armed once after them all.</summary>
    public static bool TryAutoSelect(HostRoot root, int tries, string? bootConfig, SwitchOptions options, DiagnosticLog log, out AutoSelectOutcome? outcome, out Failure? failure)
    {
        AutoSelectOutcome? selected = null;
        bool done = TryArm(root, tries, bootConfig, options, log, armed =>
        {
            bool ok = SelectionService.TryAutoSelect(root, dryRun: false, armed, log, out selected, out Failure? why);
            return (ok, selected?.Trial, why);
        }, out failure);
        outcome = selected;
        return done;
    }

    /// <summary>The record with what the boot loader says of it (tries left), or null when no trial was ever made.</summary>
    public static TrialStatus? Status(HostRoot root, DiagnosticLog log)
    {
        StateDirectory? state = StateDirectory.Find(root, out _);
        using (state)
        {
            if (!TrialRecordFile.TryRead(state, out TrialRecord? record, out _, out string? problem))
            {
                log.Warn(state!.PathOf(TrialRecord.Name), problem!);
                return null;
            }

            return record is null ? null : TrialStatus.Of(root, record);
        }
    }

    /// <summary>
    /// trial boot, in the initrd before udev: the decision for this boot, and on a fall-back the
    /// initrd's own links of the running kernel back to the previous selection (no initrd rebuilt).
    /// </summary>
    public static BootDecision Boot(HostRoot root, SwitchOptions options, DiagnosticLog log, out List<SwitchOutcome> rolledBack, out List<HookResult> hooks, out Failure? failure)
    {
        rolledBack = [];
        hooks = [];
        failure = null;
        StateDirectory? state = StateDirectory.Find(root, out _);
        TrialRecord? record;
        using (state)
        {
            if (!TrialRecordFile.TryRead(state, out record, out _, out string? problem))
            {
                log.Warn(state!.PathOf(TrialRecord.Name), problem!);
            }
        }

        BootDecision decision = BootDecision.Decide(record, CommandLine(root));
        if (decision.FallsBack)
        {
            SelectionService.TryRollBack(root, record!, options.RunningKernel, keepInTree: false, options, log, out rolledBack, out hooks, out failure, beforeHooks: null);
        }

        return decision;
    }

    /// <summary>
    /// trial settle, early on the host (before udev triggers): after a boot that fell back, the
    /// host's links go back as the initrd's did, the variant is marked when it used up its tries,
    /// grubenv says rolled-back, the record ends, then the initrd is rebuilt. Nothing when the trial
    /// was tried (confirm decides) or was armed in this very boot.
    /// </summary>
    public static bool TrySettle(HostRoot root, SwitchOptions options, DiagnosticLog log, out SettleOutcome? outcome, out Failure? failure)
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
                outcome = new SettleOutcome(record, BootDecision.Decide(null, CommandLine(root)), [], [], "no trial is pending");
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
            if (!TryEnd(root, held!, record, decision.Detail!, markFailed: usedUp, keepInTree: !usedUp, options, log, out List<SwitchOutcome> switched, out List<HookResult> hooks, out failure))
            {
                return false;
            }

            outcome = new SettleOutcome(record, decision, switched, hooks, decision.Detail!);
            return true;
        }
    }

    /// <summary>trial rollback: grubenv disarmed first (a crash after it is a boot that falls back), then the links back.</summary>
    public static bool TryRollback(HostRoot root, SwitchOptions options, DiagnosticLog log, out SettleOutcome? outcome, out Failure? failure)
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
            if ((failure = held!.Disarm(record, TrialStates.RolledBack)) is not null
                || !TryEnd(root, held, record, Reason, markFailed: false, keepInTree: true, options, log, out List<SwitchOutcome> switched, out List<HookResult> hooks, out failure))
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
    public static bool TryConfirm(HostRoot root, bool force, SwitchOptions options, DiagnosticLog log, out TrialRecord? confirmed, out Failure? failure)
    {
        confirmed = null;
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

            int triesLeft = TrialStatus.Of(root, record).TriesLeft;
            if ((failure = held!.Disarm(record, state: null)) is not null)
            {
                return false;
            }

            options.Crash.Passed();
            record.State = TrialStates.Good;
            record.EndedAt = Now();
            record.Reason = force ? "confirmed by hand (--force)" : "the host came up with the variants on trial active";
            record.TriesLeftAtEnd = triesLeft;
            if ((failure = held.Write(record)) is not null)
            {
                return false;
            }

            foreach (TrialDriver driver in record.Drivers)
            {
                HistoryLog.Record(held.State, $"{record.Id}-good-{driver.Driver}", SwitchOperation.TrialGood, driver.Driver, driver.Variant, driver.Kernels.Select(static k => k.Kernel), [], log);
            }

            confirmed = record;
            return true;
        }
    }

    /// <summary>trial enable: driver-tool's block beside grub.cfg, then grub.cfg sourcing it and passing ${dt_args}.</summary>
    public static bool TryEnable(HostRoot root, string? bootConfig, SwitchOptions options, DiagnosticLog log, out BootLoaderChange? change, out Failure? failure)
    {
        change = null;
        if (!TryBegin(root, options, log, out TrialLock? held, out _, out failure))
        {
            return false;
        }

        using (held)
        {
            if (!BootLoader.TryFind(root, bootConfig, out BootLoader? loader, out failure))
            {
                return false;
            }

            using (loader)
            {
                if (!loader!.TryReadConfig(out string text, out failure))
                {
                    return false;
                }

                if (loader.StorageProblem() is { } storage)
                {
                    failure = new Failure(Errno.EOPNOTSUPP, $"{loader.RealConfigPath}: grub cannot write its environment block beside it ({storage}), so it cannot count a trial; nothing was changed");
                    return false;
                }

                string? prepared = GrubConfig.Prepare(text, out string? problem);
                if (prepared is null)
                {
                    failure = new Failure(Errno.EOPNOTSUPP, $"{loader.RealConfigPath}: {problem}; nothing was changed");
                    return false;
                }

                bool blockChanged = loader.BlockProblem() is not null;
                int errno = blockChanged ? loader.WriteBlock() : 0;
                options.Crash.Passed();
                if (errno == 0 && prepared != text)
                {
                    errno = loader.WriteConfig(prepared);
                }

                if (errno != 0)
                {
                    failure = new Failure(errno, $"{loader.RealConfigPath}: {Errno.Describe(errno)}; grub.cfg is as it was");
                    return false;
                }

                change = new BootLoaderChange(loader.ConfigPath, loader.FolderPath + "/" + GrubConfig.BlockName, prepared != text || blockChanged);
                return true;
            }
        }
    }

    /// <summary>trial disable: grub.cfg as before trial enable, and the block removed. Refused (EBUSY) while a trial is pending.</summary>
    public static bool TryDisable(HostRoot root, string? bootConfig, SwitchOptions options, DiagnosticLog log, out BootLoaderChange? change, out Failure? failure)
    {
        change = null;
        if (!TryBegin(root, options, log, out TrialLock? held, out TrialRecord? record, out failure))
        {
            return false;
        }

        using (held)
        {
            if (record is { IsPending: true })
            {
                failure = new Failure(Errno.EBUSY, $"trial {record.Id} is pending: without the hook its next boot falls back; 'driver-tool trial confirm' or 'driver-tool trial rollback' first");
                return false;
            }

            if (!BootLoader.TryFind(root, bootConfig, out BootLoader? loader, out failure))
            {
                return false;
            }

            using (loader)
            {
                if (!loader!.TryReadConfig(out string text, out failure))
                {
                    return false;
                }

                string plain = GrubConfig.Unprepare(text);
                // grub.cfg first: a source line left pointing at a removed file stops grub's script there.
                int errno = plain != text ? loader.WriteConfig(plain) : 0;
                bool blockThere = loader.BlockProblem() is not { } missing || !missing.EndsWith("is missing", StringComparison.Ordinal);
                errno = errno == 0 && blockThere ? loader.RemoveBlock() : errno;
                if (errno != 0)
                {
                    failure = new Failure(errno, $"{loader.RealConfigPath}: {Errno.Describe(errno)}");
                    return false;
                }

                change = new BootLoaderChange(loader.ConfigPath, loader.FolderPath + "/" + GrubConfig.BlockName, plain != text || blockThere);
                return true;
            }
        }
    }

    /// <summary>The kernel command line of this boot (the root's /proc/cmdline), or null.</summary>
    public static string? CommandLine(HostRoot root) => ReadProc(root, "/proc/cmdline");

    private static string? BootId(HostRoot root) => ReadProc(root, "/proc/sys/kernel/random/boot_id")?.Trim();

    private static string? ReadProc(HostRoot root, string path)
    {
        byte[] buffer = new byte[4096];
        return root.TryReadAttribute(path, 64 * 1024, ref buffer, out int length, out _, out _)
            ? System.Text.Encoding.UTF8.GetString(buffer, 0, length)
            : null;
    }

    private static string Now() => DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

    private static Failure? NoPendingTrial(TrialRecord? record) => record switch
    {
        null => new Failure(Errno.ENOENT, "no trial is pending (driver-tool select NAME VARIANT --trial makes one)"),
        { State: TrialStates.RolledBack } => null,
        _ => new Failure(Errno.ENOENT, $"no trial is pending: trial {record.Id} ended {record.State}"),
    };

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

    private delegate (bool Ok, TrialRecord? Armed, Failure? Failure) Switching(SwitchOptions armed);

    /// <summary>
    /// The steps of arming: the boot loader must be able to count; the switch writes the record
    /// (armed false) before its links change; its hooks rebuild the initrd with the record in it;
    /// grubenv is armed last, then the record says armed. A failure to arm grubenv undoes the switch.
    /// </summary>
    private static bool TryArm(HostRoot root, int tries, string? bootConfig, SwitchOptions options, DiagnosticLog log, Switching switching, out Failure? failure)
    {
        if (!TryBegin(root, options, log, out TrialLock? held, out TrialRecord? pending, out failure))
        {
            return false;
        }

        using (held)
        {
            if (pending is { IsPending: true })
            {
                failure = new Failure(Errno.EBUSY, $"trial {pending.Id} is pending ({string.Join(", ", pending.Drivers.Select(static d => $"{d.Driver}: {d.Variant}"))}): one trial at a time; 'driver-tool trial confirm' or 'driver-tool trial rollback' ends it");
                return false;
            }

            if (!BootLoader.TryFind(root, bootConfig, out BootLoader? loader, out failure))
            {
                failure = failure!.Errno == Errno.ENOENT ? failure with { Errno = Errno.EOPNOTSUPP, Message = $"{failure.Message}: the boot loader cannot count a trial; 'driver-tool trial enable' prepares grub" } : failure;
                return false;
            }

            using (loader)
            {
                if ((failure = loader!.CountingProblem()) is not null)
                {
                    return false;
                }

                GrubEnvironment? environment = loader.ReadEnvironment(out string? problem, out _);
                if (environment is null)
                {
                    failure = new Failure(Errno.EUCLEAN, $"{loader.RealEnvironmentPath}: not a grub environment block ({problem}); 'grub-editenv {loader.RealEnvironmentPath} create' makes a new one");
                    return false;
                }

                string id = SwitchPlanner.NewId();
                SwitchOptions armed = options with { Trial = new TrialRequest(id, tries, loader.ConfigPath, BootId(root)) };
                (bool ok, TrialRecord? record, failure) = switching(armed);
                if (!ok || record is null)
                {
                    return ok;
                }

                options.Crash.Passed();
                GrubEnvironment counting = environment
                    .With(GrubEnvironment.StateName, TrialStates.Pending)
                    .With(GrubEnvironment.TriesName, tries.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .With(GrubEnvironment.IdName, id);
                int errno = loader.WriteEnvironment(counting);
                if (errno != 0)
                {
                    string reason = $"{loader.RealEnvironmentPath}: {Errno.Describe(errno)}";
                    TryEnd(root, held!, record, $"grubenv could not be armed ({reason}): the switch was undone", markFailed: false, keepInTree: false, options, log, out _, out _, out Failure? undo);
                    failure = new Failure(errno, $"{reason}; the trial was not armed, and {(undo is null ? "the previous selection is back" : $"undoing the switch failed too ({undo.Message}); the next boot falls back")}");
                    return false;
                }

                options.Crash.Passed();
                record.Armed = true;
                failure = held!.Write(record);
                return failure is null;
            }
        }
    }

    /// <summary>
    /// Ends a pending trial by rolling it back: the links (journalled), then — before the hooks, so
    /// the rebuilt initrd carries the ended record — the mark, grubenv and the record.
    /// </summary>
    private static bool TryEnd(HostRoot root, TrialLock held, TrialRecord record, string reason, bool markFailed, bool keepInTree, SwitchOptions options, DiagnosticLog log, out List<SwitchOutcome> switched, out List<HookResult> hooks, out Failure? failure)
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

    /// <summary>The trial lock, then an arming a crash cut short finished (grubenv armed) or undone (not armed).</summary>
    private static bool TryBegin(HostRoot root, SwitchOptions options, DiagnosticLog log, out TrialLock? held, out TrialRecord? record, out Failure? failure)
    {
        record = null;
        if (!TrialLock.TryAcquire(root, options.LockTimeout, out held, out failure))
        {
            return false;
        }

        if (!TrialRecordFile.TryRead(held!.State, out record, out int errno, out string? problem))
        {
            held.Dispose();
            held = null;
            failure = new Failure(errno == Errno.EUCLEAN ? Errno.EUCLEAN : errno, problem!);
            return false;
        }

        if (record is not { IsPending: true, Armed: false })
        {
            return true;
        }

        if (held.ArmedInGrub(record))
        {
            record.Armed = true;
            failure = held.Write(record);
        }
        else
        {
            log.Warn(held.State.PathOf(TrialRecord.Name), $"arming trial {record.Id} was interrupted before grub could count it; its switch is undone");
            TryEnd(root, held, record, "arming was interrupted before grub could count it: the switch was undone", markFailed: false, keepInTree: true, options, log, out _, out _, out failure);
        }

        if (failure is not null)
        {
            held.Dispose();
            held = null;
            return false;
        }

        return true;
    }
}
