using Dmv.Core.Hooks;
using Dmv.Core.Pci;

namespace Dmv.Core.Switching;

/// <summary>How a select, deselect or auto-select runs.</summary>
/// <param name="Trial">When set, the switch is made on trial: its record is written before the links change.</param>
/// <param name="EndingTrial">The trial whose rollback this is: its drivers may be switched although the trial is pending.</param>
internal sealed record SwitchOptions(
    bool Force,
    HookOptions Hooks,
    TimeSpan LockTimeout,
    Func<PresentDevices> ReadHardware,
    string? RunningKernel,
    CrashPoint Crash,
    Integrity.IntegrityOptions? Integrity = null,
    bool IncludeDeselected = false,
    TrialRequest? Trial = null,
    string? EndingTrial = null);

/// <summary>A trial asked for: its id, the tries grub gives it, the grub.cfg it is counted by, and the boot it is armed in.</summary>
internal sealed record TrialRequest(string Id, int Tries, string BootConfig, string? BootId);
