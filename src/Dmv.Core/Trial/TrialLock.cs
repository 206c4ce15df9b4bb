using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.State;

namespace Dmv.Core.Trial;

/// <summary>
/// The trial lock (/var/lib/driver-tool/trial.lock), held from the start of a trial command to its
/// end — arming, settling, confirming, rolling back — so none of them sees another half done; the
/// tree's own lock is taken inside it by each switch. It also writes what only trial commands write:
/// the record, and grubenv through the record's grub.cfg.
/// </summary>
internal sealed class TrialLock : IDisposable
{
    private readonly HostLock _lock;

    private TrialLock(StateDirectory state, HostLock held)
    {
        State = state;
        _lock = held;
    }

    public StateDirectory State { get; }

    public static bool TryAcquire(HostRoot root, TimeSpan timeout, [NotNullWhen(true)] out TrialLock? held, [NotNullWhen(false)] out Failure? failure)
    {
        held = null;
        if (!HostLock.TryOpenExclusive(root, TrialService.LockName, timeout, out StateDirectory? state, out HostLock? hostLock, out failure))
        {
            return false;
        }

        held = new TrialLock(state, hostLock);
        return true;
    }

    /// <summary>Writes the record (new file, fsync, rename); the failure names it.</summary>
    public Failure? Write(TrialRecord record)
    {
        int errno = TrialRecordFile.Write(State, record);
        return errno == 0 ? null : new Failure(errno, $"{State.PathOf(TrialRecord.Name)}: {Errno.Describe(errno)}");
    }

    /// <summary>
    /// Whether grubenv names this trial (an arming cut short after its last step but one); with
    /// <paramref name="counting"/>, whether it still counts it (pending, failed or unwritable: not yet
    /// told it ended).
    /// </summary>
    public bool ArmedInGrub(TrialRecord record, bool counting = false)
    {
        if (!BootLoader.TryFind(State.Root, record.BootConfig, out BootLoader? loader, out _))
        {
            return false;
        }

        using (loader)
        {
            GrubEnvironment? environment = loader.ReadEnvironment(out _, out _);
            string? state = environment?[GrubEnvironment.IdName] == record.Id ? environment[GrubEnvironment.StateName] : null;
            return counting ? state is "pending" or "failed" or "unwritable" : state is not null;
        }
    }

    /// <summary>
    /// Stops grub counting the trial: <c>dt_trial</c> set to <paramref name="state"/>, or all three
    /// variables removed (null). grubenv naming another trial, or none, is left alone; a block grub
    /// cannot read (torn) is written anew, since grub already lost what was in it.
    /// </summary>
    public Failure? Disarm(TrialRecord record, string? state)
    {
        if (!BootLoader.TryFind(State.Root, record.BootConfig, out BootLoader? loader, out Failure? failure))
        {
            return failure;
        }

        using (loader)
        {
            GrubEnvironment? environment = loader.ReadEnvironment(out _, out bool missing);
            if (missing || (environment is not null && environment[GrubEnvironment.IdName] != record.Id))
            {
                return null;
            }

            GrubEnvironment disarmed = (environment ?? GrubEnvironment.Empty).With(GrubEnvironment.TriesName, null);
            disarmed = state is null
                ? disarmed.With(GrubEnvironment.StateName, null).With(GrubEnvironment.IdName, null)
                : disarmed.With(GrubEnvironment.StateName, state).With(GrubEnvironment.IdName, record.Id);
            int errno = loader.WriteEnvironment(disarmed);
            return errno == 0 ? null : new Failure(errno, $"{loader.RealEnvironmentPath}: {Errno.Describe(errno)}");
        }
    }

    public void Dispose()
    {
        _lock.Dispose();
        State.Dispose();
    }
}
