using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.Listing;
using Dmv.Core.State;
using Dmv.Core.Links;

namespace Dmv.Core.Switching;

/// <summary>
/// The one transaction behind select, deselect, auto-select and reconcile: take the tree's lock
/// and recover an interrupted switch (<see cref="HostSession"/>), read the listing, then for each
/// switch the command's policy plans — integrity gate, journalled apply, history line — and at
/// the end release the lock and run the hooks once for every kernel changed. A command says only
/// which switches it wants and what counts as failing.
/// </summary>
internal sealed class SwitchTransaction : IDisposable
{
    private readonly HostSession _session;
    private readonly SwitchOptions _options;
    private readonly DiagnosticLog _log;
    private readonly IntegrityGate _gate;
    private readonly KernelChanges _changes = new();

    // Set when a switch failed after its commit mark: its journal stays for the next run to
    // complete, and no later switch of this command may write a journal over it.
    private Failure? _unfinished;
    private SwitchPlanner? _planner;
    private readonly string? _untrustedFailedBoots;

    private SwitchTransaction(HostSession session, SwitchOptions options, DiagnosticLog log, TrialRecord? pendingTrial)
    {
        _session = session;
        _options = options;
        _log = log;
        _gate = new IntegrityGate(session.Root, options, log);
        PendingTrial = pendingTrial;
        FailedBoots = FailedBootRecord.Read(session.State, log, out _untrustedFailedBoots);
        Listing = DriverListingBuilder.Build(session.Root, new ListingOptions(options.ReadHardware, options.RunningKernel), log);
    }

    /// <summary>The trial that is pending (read under the lock), or null.</summary>
    public TrialRecord? PendingTrial { get; }

    /// <summary>The trial this command arms (<see cref="SwitchOptions.Trial"/>), once its record is written.</summary>
    public TrialRecord? NewTrial { get; private set; }

    /// <summary>The variants that used up a trial's tries on this host: auto-select and reconcile pass them over.</summary>
    public FailedBootRecord FailedBoots { get; }

    /// <summary>The listing as it stands after the switches made so far.</summary>
    public DriverListing Listing { get; private set; }

    public StateDirectory State => _session.State!;

    public SwitchOptions Options => _options;

    /// <summary>Links (host paths) the switches so far rewrote from an absolute target to the relative form.</summary>
    public IReadOnlyList<string> MadeRelative => _changes.MadeRelative;

    public static bool TryBegin(HostRoot root, SwitchOptions options, DiagnosticLog log, [NotNullWhen(true)] out SwitchTransaction? transaction, [NotNullWhen(false)] out Failure? failure)
    {
        transaction = null;
        if (!HostSession.TryBeginWrite(root, options.LockTimeout, log, out HostSession? session, out failure))
        {
            return false;
        }

        // The trial record steers which drivers may be switched: one that is not driver-tool's stops a
        // command about a trial; any other switch goes on as if no trial were pending.
        // A record that is not driver-tool's own stops every switch: it may say a driver is on trial
        // (grub counting it) that the switch would change behind the trial's back.
        if (!TrialRecordFile.TryRead(session.State, out TrialRecord? trial, out _, out string? problem))
        {
            session.Dispose();
            failure = new Failure(Errno.EUCLEAN, problem + "; fix or remove it (driver-tool trial shows what it should hold)");
            return false;
        }

        transaction = new SwitchTransaction(session, options, log, trial is { IsPending: true } ? trial : null);
        if (transaction._untrustedFailedBoots is { } untrusted)
        {
            // As the trial record: a record the boot obeys that is not driver-tool's own stops every switch.
            transaction.Dispose();
            transaction = null;
            failure = new Failure(Errno.EUCLEAN, untrusted + "; fix or remove it");
            return false;
        }

        return true;
    }

    /// <summary>The id of the pending trial <paramref name="driver"/> is on (unless this command ends that trial), or null.</summary>
    public string? TrialOf(string driver) =>
        PendingTrial is { } trial && trial.Id != _options.EndingTrial && trial.Driver(driver) is not null ? trial.Id : null;

    /// <summary>EBUSY when <paramref name="driver"/> is on a pending trial, or a trial is to be armed while one is pending.</summary>
    public Failure? RefuseDuringTrial(string driver) =>
        RefuseSecondTrial() ?? (TrialOf(driver) is { } id
            ? new Failure(Errno.EBUSY, $"'{driver}' is on trial {id}: 'driver-tool trial confirm' keeps the variant, 'driver-tool trial rollback' ends the trial")
            : null);

    /// <summary>EBUSY when this command arms a trial while another is pending: one trial at a time.</summary>
    public Failure? RefuseSecondTrial() =>
        _options.Trial is not null && PendingTrial is { } pending
            ? new Failure(Errno.EBUSY, $"trial {pending.Id} is pending ({string.Join(", ", pending.Drivers.Select(static d => $"{d.Driver}: {d.Variant}"))}): one trial at a time; 'driver-tool trial confirm' or 'driver-tool trial rollback' ends it")
            : null;

    /// <summary>
    /// Before a switch made on trial changes a link: the trial record with this driver in it (the
    /// variant tried, and per kernel the variant the links name now), written and fsynced, so a crash
    /// at any later point leaves a record the next run can roll back from.
    /// </summary>
    public Failure? RecordTrialDriver(DriverScope driver, string variant, string? listedBefore, SwitchPlan plan)
    {
        TrialRequest request = _options.Trial!;
        var kernels = new List<TrialKernel>();
        foreach (string kernel in plan.Kernels)
        {
            kernels.Add(new TrialKernel { Kernel = kernel, Previous = VariantNamedByLinks(driver, kernel) });
        }

        NewTrial ??= new TrialRecord
        {
            Id = request.Id,
            State = TrialStates.Pending,
            Tries = request.Tries,
            BootConfig = request.BootConfig,
            ArmedInBoot = request.BootId,
            ArmedAt = DateTime.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture),
            Drivers = [],
        };
        bool deselected = DeselectionRecord.Read(State, _log).Contains(driver.Name);
        NewTrial.Drivers.Add(new TrialDriver { Driver = driver.Name, Variant = variant, Previous = listedBefore, Kernels = kernels, DeselectedBefore = deselected });
        int errno = TrialRecordFile.Write(State, NewTrial);
        if (errno != 0)
        {
            NewTrial.Drivers.RemoveAt(NewTrial.Drivers.Count - 1);
            return new Failure(errno, $"{State.PathOf(TrialRecord.Name)}: the trial cannot be recorded: {Errno.Describe(errno)}; nothing was switched");
        }

        _options.Crash.Passed();
        return null;
    }

    /// <summary>After a switch on trial failed (nothing of it visible): its driver leaves the record, and an empty record goes.</summary>
    public void ForgetTrialDriver(string driver)
    {
        if (NewTrial is null)
        {
            return;
        }

        NewTrial.Drivers.RemoveAll(d => d.Driver == driver);
        int errno = NewTrial.Drivers.Count == 0 ? State.Folder.Remove(TrialRecord.Name) : TrialRecordFile.Write(State, NewTrial);
        if (NewTrial.Drivers.Count == 0)
        {
            NewTrial = null;
            State.Folder.Sync();
        }

        if (errno is not (0 or Errno.ENOENT))
        {
            _log.Warn(State.PathOf(TrialRecord.Name), $"cannot take '{driver}' out of the trial record: {Errno.Describe(errno)}; the next trial command or boot rolls it back");
        }
    }

    public SwitchPlan PlanSelect(DriverScope driver, VariantEntry variant, bool force, IReadOnlySet<string>? onlyKernels = null, string operation = SwitchOperation.Select) =>
        Planner().PlanSelect(driver, variant, force, _gate.Judge, onlyKernels, operation);

    public SwitchPlan PlanDeselect(DriverScope driver, IReadOnlySet<string>? onlyKernels = null, string operation = SwitchOperation.Deselect) =>
        Planner().PlanDeselect(driver, onlyKernels, operation);

    public string? VariantNamedByLinks(DriverScope driver, string? kernel = null) =>
        Planner().VariantNamedByLinks(driver, kernel);

    /// <summary>
    /// Carries out a plan as one journalled switch and records it; the kernels it changed get the
    /// hooks at the end. A kernel whose updates/ cannot be written keeps what it had: it joins the
    /// plan's failed kernels (<paramref name="plan"/> is updated), and <paramref name="decide"/> says
    /// whether the switch goes on without it. On failure nothing of the switch is visible.
    /// </summary>
    public bool TryApply(ref SwitchPlan plan, Func<SwitchPlan, Failure?> decide, [NotNullWhen(false)] out Failure? failure)
    {
        failure = null;
        if (plan.ChangesNothing)
        {
            return true;
        }

        if (_unfinished is not null)
        {
            failure = _unfinished;
            return false;
        }

        SwitchPlan planned = plan;
        failure = SwitchExecutor.Execute(State, _session.Folders, plan.Journal, _options.Crash, failed => decide(planned.WithFailed(failed)), _log, hooksOwed: !_options.Hooks.Skip, out List<KernelFailure> writeFailures);
        plan = plan.WithFailed(writeFailures);
        if (failure is not null)
        {
            if (State.Folder.Contains(StateDirectory.JournalName))
            {
                if (plan.Journal.State == JournalState.Committed)
                {
                    failure = failure with { Errno = Errno.EINPROGRESS, Message = $"{failure.Message}; the switch was committed and the next driver-tool run completes it" };
                }
                else
                {
                    failure = failure with { Message = $"{failure.Message}; nothing was switched, and the next driver-tool run removes what this one staged" };
                }

                _unfinished = new Failure(Errno.EINPROGRESS, $"not attempted: an earlier switch of this command is unfinished ({failure.Message})");
            }

            return false;
        }

        if (plan.ChangesNothing)
        {
            return true;
        }

        _changes.Add(plan);
        return true;
    }

    /// <summary>Notes what a switch did to the listing, for the policy's next plan and the reply's reboot flag.</summary>
    public void Switched(string driver, string? variant, IReadOnlyList<string> kernels) =>
        Listing = Listing.AfterSwitch(driver, variant, kernels);

    /// <param name="outcome">What became of such a kernel: a switch leaves it as it was; reconcile removes its links.</param>
    public void WarnFailedKernels(string driver, IReadOnlyList<KernelFailure> failed, string outcome = "which keeps what it had")
    {
        foreach (KernelFailure kernel in failed)
        {
            _log.Warn(driver, $"not switched in kernel {kernel.Kernel}, {outcome}: {kernel.Failure.Message}");
        }
    }

    /// <summary>
    /// An administrator's select or deselect that changed no link, which auto-select and reconcile
    /// then respect. (A switch that changes links records it as it completes, with its history line.)
    /// </summary>
    public void RecordDecision(string driver, bool deselected)
    {
        int errno = DeselectionRecord.Set(State, driver, deselected, _log);
        if (errno != 0)
        {
            _log.Warn(State.PathOf(DeselectionRecord.Name), $"the {(deselected ? "deselection" : "selection")} of '{driver}' is not recorded: {Errno.Describe(errno)}");
        }
    }

    /// <summary>The drivers an administrator deselected; a record that is not driver-tool's own stops a writer (EUCLEAN) rather than be ignored.</summary>
    public bool TryDeselectedDrivers(out HashSet<string> drivers, [NotNullWhen(false)] out Failure? failure)
    {
        failure = null;
        drivers = [];
        if (_options.IncludeDeselected)
        {
            failure = _untrustedFailedBoots is null ? null : new Failure(Errno.EUCLEAN, _untrustedFailedBoots + "; auto-select would pick a variant that failed to boot here: fix or remove the record");
            return failure is null;
        }

        drivers = DeselectionRecord.Read(State, _log, out string? untrusted);
        failure = untrusted is not null ? new Failure(Errno.EUCLEAN, untrusted + "; auto-select would override an administrator's deselection: fix or remove the record")
            : _untrustedFailedBoots is not null ? new Failure(Errno.EUCLEAN, _untrustedFailedBoots + "; auto-select would pick a variant that failed to boot here: fix or remove the record")
            : null;
        return failure is null;
    }

    /// <summary>Lets readers in, then runs the hooks for every kernel changed (and any a recovered switch left).</summary>
    public List<HookResult> Finish()
    {
        _session.ReleaseTree();
        return _options.Hooks.Skip
            ? HookRunner.Run(_session.Root, _changes.Kernels, new Dictionary<string, IReadOnlyList<string>>(), _options.Hooks)
            : _session.RunHooks(_changes.Switches, _options.Hooks, _options.LockTimeout, _log);
    }

    public void Dispose()
    {
        _gate.Dispose();
        _session.Dispose();
    }

    // One planner for the whole command: the kernels and their catalogs do not change between its
    // switches, and every plan reads the updates/ folders afresh, so the link-ownership index is built once.
    private SwitchPlanner Planner() =>
        _planner ??= new(_session.Folders, Listing.Host, SwitchPlanner.NewId(), DateTimeOffset.UtcNow);
}
