using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.Policies;
using Dmv.Core.Switching;
using Dmv.Core.State;

namespace Dmv.Core.Trial;

/// <summary>Arming a trial: the switch and its record first, grubenv armed last (see <see cref="TrialService"/>).</summary>
internal static partial class TrialService
{
    /// <summary>select NAME VARIANT --trial: the switch and its record, then grubenv armed.</summary>
    public static bool TrySelect(HostRoot root, string driver, string variant, int tries, string? bootConfig, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out SwitchOutcome? outcome, [NotNullWhen(false)] out Failure? failure)
    {
        SwitchOutcome? selected = null;
        bool done = TryArm(root, tries, bootConfig, options, log, armed =>
        {
            bool ok = SelectionService.TrySelect(root, driver, variant, armed, log, out selected, out Failure? why);
            return (ok, selected?.Trial, selected?.Hooks ?? [], why);
        }, out failure);
        outcome = selected;
        return done;
    }

    /// <summary>auto-select --trial: one trial for every driver it selects, armed once after them all.</summary>
    public static bool TryAutoSelect(HostRoot root, int tries, string? bootConfig, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out AutoSelectOutcome? outcome, [NotNullWhen(false)] out Failure? failure)
    {
        AutoSelectOutcome? selected = null;
        bool done = TryArm(root, tries, bootConfig, options, log, armed =>
        {
            bool ok = SelectionService.TryAutoSelect(root, dryRun: false, armed, log, out selected, out Failure? why);
            return (ok, selected?.Trial, selected?.Hooks ?? [], why);
        }, out failure);
        outcome = selected;
        return done;
    }


    private delegate (bool Ok, TrialRecord? Armed, IReadOnlyList<HookResult> Hooks, Failure? Failure) ArmedSwitch(SwitchOptions armed);

    /// <summary>
    /// The steps of arming: the boot loader must be able to count; the switch writes the record
    /// (armed false) before its links change; its hooks rebuild the initrd with the record in it;
    /// grubenv is armed last, then the record says armed. A failure to arm grubenv undoes the switch.
    /// </summary>
    private static bool TryArm(HostRoot root, int tries, string? bootConfig, SwitchOptions options, DiagnosticLog log, ArmedSwitch switching, [NotNullWhen(false)] out Failure? failure)
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
                failure = failure.Errno == Errno.ENOENT ? failure with { Errno = Errno.EOPNOTSUPP, Message = $"{failure.Message}: the boot loader cannot count a trial; 'driver-tool trial enable' prepares grub" } : failure;
                return false;
            }

            using (loader)
            {
                if ((failure = loader.CountingProblem()) is not null)
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
                (bool ok, TrialRecord? record, IReadOnlyList<HookResult> hooks, failure) = switching(armed);
                if (!ok || record is null)
                {
                    return ok;
                }

                // The initrd must carry the record (its boot decides before udev): one that could not be
                // rebuilt would neither try the variant nor fall back, so the trial is not armed.
                if (hooks.FirstOrDefault(static h => h.Hook == "dracut" && h.Status == HookStatus.Failed) is { } initrd)
                {
                    string reason = $"the initrd of kernel {initrd.Kernel} could not be rebuilt to carry the trial ({initrd.Problem ?? initrd.Detail})";
                    TryEnd(root, held, record, reason + ": the switch was undone", markFailed: false, keepInTree: false, options, log, out _, out _, out Failure? undo);
                    failure = new Failure(Errno.EIO, $"{reason}; the trial was not armed, and {(undo is null ? "the previous selection is back" : $"undoing the switch failed too ({undo.Message}); the next boot falls back")}");
                    return false;
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
                    TryEnd(root, held, record, $"grubenv could not be armed ({reason}): the switch was undone", markFailed: false, keepInTree: false, options, log, out _, out _, out Failure? undo);
                    failure = new Failure(errno, $"{reason}; the trial was not armed, and {(undo is null ? "the previous selection is back" : $"undoing the switch failed too ({undo.Message}); the next boot falls back")}");
                    return false;
                }

                options.Crash.Passed();
                record.Armed = true;
                failure = held.Write(record);
                return failure is null;
            }
        }
    }
}
