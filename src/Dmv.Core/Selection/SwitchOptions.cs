using Dmv.Core.Hooks;
using Dmv.Core.Pci;

namespace Dmv.Core.Selection;

/// <summary>How a select, deselect or auto-select runs.</summary>
public sealed record SwitchOptions(
    bool Force,
    HookOptions Hooks,
    TimeSpan LockTimeout,
    Func<PresentDevices> ReadHardware,
    string? RunningKernel,
    CrashPoint Crash,
    Integrity.IntegrityOptions? Integrity = null,
    bool IncludeDeselected = false);
