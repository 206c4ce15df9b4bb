using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.Policies;
using Dmv.Core.Switching;
using Dmv.Core.State;

namespace Dmv.Core.Trial;

/// <summary>
/// Trial selections (driver-tool(8), "Trial selections"): arming (a select or auto-select whose
/// record is written before the links change, with grubenv armed last), the boot's decision, and
/// the three ways a trial ends — settled after a fall-back, confirmed once the host is up, rolled
/// back by hand. Every step is idempotent and each of them first finishes or undoes an arming a
/// crash cut short, all under the trial lock so two of them never interleave.
/// </summary>
internal static partial class TrialService
{
    public const string LockName = "trial.lock";
    public const int DefaultTries = 3;

    /// <summary>The record with what the boot loader says of it (tries left), or null when no trial was ever made.</summary>
    public static TrialStatus? Status(HostRoot root, DiagnosticLog log)
    {
        StateDirectory? state = StateDirectory.Find(root, out _);
        using (state)
        {
            if (!TrialRecordFile.TryRead(state, out TrialRecord? record, out _, out string? problem))
            {
                log.Warn(state!.PathOf(TrialRecord.Name), problem);
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
                log.Warn(state!.PathOf(TrialRecord.Name), problem);
            }
        }

        BootDecision decision = BootDecision.Decide(record, CommandLine(root));
        if (decision.FallsBack)
        {
            SelectionService.TryRollBack(root, record!, options.RunningKernel, keepInTree: false, options, log, out rolledBack, out hooks, out failure, beforeHooks: null);
        }

        return decision;
    }

    /// <summary>The kernel command line of this boot (the root's /proc/cmdline), or null.</summary>
    public static string? CommandLine(HostRoot root) => ReadProc(root, "/proc/cmdline");

    private static string? BootId(HostRoot root) => ReadProc(root, "/proc/sys/kernel/random/boot_id")?.Trim();

    private static string? ReadProc(HostRoot root, string path)
    {
        byte[] buffer = new byte[4096];
        return root.TryReadAttribute(path, 64 * 1024, ref buffer, out int length, out _)
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

    /// <summary>The trial lock, then an arming a crash cut short finished (grubenv armed) or undone (not armed); the record is null when no trial was ever made.</summary>
    private static bool TryBegin(HostRoot root, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out TrialLock? held, out TrialRecord? record, [NotNullWhen(false)] out Failure? failure)
    {
        record = null;
        if (!TrialLock.TryAcquire(root, options.LockTimeout, out held, out failure))
        {
            return false;
        }

        if (!TrialRecordFile.TryRead(held.State, out record, out int errno, out string? problem))
        {
            held.Dispose();
            held = null;
            failure = new Failure(errno == Errno.EUCLEAN ? Errno.EUCLEAN : errno, problem);
            return false;
        }

        if (record is not null && !record.IsPending && held.ArmedInGrub(record, counting: true))
        {
            // Ended, but a crash kept grubenv counting it: finish the end (a good trial's initrd first).
            log.Warn(held.State.PathOf(TrialRecord.Name), $"trial {record.Id} ended {record.State}, but grubenv still counts it; finishing that");
            if (record.State == TrialStates.Good)
            {
                FinishGood(root, held, record, options, log, out failure);
            }
            else
            {
                failure = held.Disarm(record, TrialStates.RolledBack);
            }

            if (failure is not null)
            {
                log.Warn(record.BootConfig, failure.Message);
                failure = null;
            }

            return true;
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
            // Undone as if never asked: what each kernel had, and no deselection the administrator did not make.
            TryEnd(root, held, record, "arming was interrupted before grub could count it: the switch was undone", markFailed: false, keepInTree: false, options, log, out _, out _, out failure);
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
