using Dmv.Core.Catalog;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.Listing;
using Dmv.Core.State;

namespace Dmv.Core.Selection;

/// <summary>
/// The one transaction behind select, deselect, auto-select and reconcile: take the tree's lock
/// and recover an interrupted switch (<see cref="HostSession"/>), read the listing, then for each
/// switch the command's policy plans — integrity gate, journalled apply, history line — and at
/// the end release the lock and run the hooks once for every kernel changed. A command says only
/// which switches it wants and what counts as failing.
/// </summary>
public sealed class SwitchTransaction : IDisposable
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

    private SwitchTransaction(HostSession session, SwitchOptions options, DiagnosticLog log)
    {
        _session = session;
        _options = options;
        _log = log;
        _gate = new IntegrityGate(session.Root, options, log);
        Listing = DriverListingBuilder.Build(session.Root, new ListingOptions(options.ReadHardware, options.RunningKernel), log);
    }

    /// <summary>The listing as it stands after the switches made so far.</summary>
    public DriverListing Listing { get; private set; }

    public StateDirectory State => _session.State!;

    public SwitchOptions Options => _options;

    /// <summary>Links (host paths) the switches so far rewrote from an absolute target to the relative form.</summary>
    public IReadOnlyList<string> MadeRelative => _changes.MadeRelative;

    public static bool TryBegin(HostRoot root, SwitchOptions options, DiagnosticLog log, out SwitchTransaction? transaction, out Failure? failure)
    {
        transaction = null;
        if (!HostSession.TryBeginWrite(root, options.LockTimeout, log, out HostSession? session, out failure))
        {
            return false;
        }

        transaction = new SwitchTransaction(session!, options, log);
        return true;
    }

    public SwitchPlan PlanSelect(DriverScope driver, VariantEntry variant, bool force, IReadOnlySet<string>? onlyKernels = null) =>
        Planner().PlanSelect(driver, variant, force, _gate.Judge, onlyKernels);

    public SwitchPlan PlanDeselect(DriverScope driver, IReadOnlySet<string>? onlyKernels = null) =>
        Planner().PlanDeselect(driver, onlyKernels);

    public string? VariantNamedByLinks(DriverScope driver, string? kernel = null) =>
        Planner().VariantNamedByLinks(driver, kernel);

    /// <summary>
    /// Carries out a plan as one journalled switch and records it; the kernels it changed get the
    /// hooks at the end. On failure the switch was rolled back and nothing of it is visible.
    /// </summary>
    public bool TryApply(SwitchPlan plan, out Failure? failure)
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

        failure = SwitchExecutor.Execute(State, _session.Folders, plan.Journal, _options.Crash);
        if (failure is not null)
        {
            if (State.Folder.Contains(StateDirectory.JournalName))
            {
                failure = failure with { Message = $"{failure.Message}; the switch was committed and the next driver-tool run completes it" };
                _unfinished = new Failure(failure.Errno, $"not attempted: an earlier switch of this command is unfinished ({failure.Message})");
            }

            return false;
        }

        _session.RecordHistory(plan.Journal, plan.Kernels, plan.MovedAside, _log);
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

    /// <summary>An administrator's select or deselect, which auto-select and reconcile then respect.</summary>
    public void RecordDecision(string driver, bool deselected)
    {
        int errno = DeselectionRecord.Set(State, driver, deselected, _log);
        if (errno != 0)
        {
            _log.Warn(State.PathOf(DeselectionRecord.Name), $"the {(deselected ? "deselection" : "selection")} of '{driver}' is not recorded: {Errno.Describe(errno)}");
        }
    }

    public HashSet<string> DeselectedDrivers() =>
        _options.IncludeDeselected ? [] : DeselectionRecord.Read(State, _log);

    /// <summary>Lets readers in, then runs the hooks for every kernel changed (and any a recovered switch left).</summary>
    public List<HookResult> Finish()
    {
        _session.ReleaseTree();
        return _session.RunHooks(_changes.Kernels, _changes.Added, _options.Hooks, _options.LockTimeout);
    }

    public void Dispose()
    {
        _gate.Dispose();
        _session.Dispose();
    }

    // One planner for the whole command: the kernels and their catalogs do not change between its
    // switches, and every plan reads the updates/ folders afresh, so the link-ownership index is built once.
    private SwitchPlanner Planner() =>
        _planner ??= new(_session.Folders, Listing.Kernels, SwitchPlanner.NewId(), DateTimeOffset.UtcNow);
}
