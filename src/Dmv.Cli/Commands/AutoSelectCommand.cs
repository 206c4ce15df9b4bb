using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.Hooks;
using Dmv.Core.Json;
using Dmv.Core.Pci;
using Dmv.Core.Policies;
using Dmv.Core.Switching;
using Dmv.Core.Trial;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool auto-select [--dry-run]</c>: select the installer's choice for each driver with hardware and no selection.</summary>
internal static class AutoSelectCommand
{
    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryOpenWithHardware(invocation, terminal, out HostContext host, out DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode))
        {
            return exitCode;
        }

        SwitchOptions options = host.SwitchOptions(invocation, hardware, log);
        AutoSelectOutcome? outcome;
        Failure? failure;
        if (!(invocation.Trial
            ? TrialService.TryAutoSelect(host.Root, invocation.Tries ?? TrialService.DefaultTries, invocation.BootConfig, options, log, out outcome, out failure)
            : SelectionService.TryAutoSelect(host.Root, invocation.DryRun, options, log, out outcome, out failure)))
        {
            return Replies.Fail(terminal, log, failure);
        }

        Replies.Warnings(terminal, log);
        List<HookResult> hooks = outcome.Hooks.ToList();
        int? hookFailure = Replies.FailedHook(terminal, hooks, $"auto-selected {outcome.Switched.Count} driver(s)");
        if (hookFailure is not null)
        {
            return hookFailure.Value;
        }

        if (outcome.Refused.Count > 0)
        {
            (string driver, Failure refused) = outcome.Refused[0];
            return ErrorReporter.Fail(terminal, refused.Errno, $"auto-selected {outcome.Switched.Count} driver(s), but {outcome.Refused.Count} could not be: {driver}: {refused.Message}");
        }

        if (invocation.Format == OutputFormat.Table)
        {
            terminal.WriteText(ChangeText.AutoSelect(outcome, hooks) + ChangeText.Armed(outcome.Trial, invocation.Trial));
            return 0;
        }

        terminal.WriteJson(new AutoSelectReply
        {
            DryRun = outcome.DryRun,
            Plan = outcome.Plan.Select(c => new AutoSelectChoiceReply
            {
                Driver = c.Driver,
                Variant = c.Variant,
                Priority = new Dmv.Core.Catalog.JsonNumberText(c.Priority, 0),
                Version = c.Version,
                MatchSpecificity = c.MatchSpecificity,
                Reason = c.Reason,
            }).ToList(),
            Selected = outcome.Switched.Select(s => new SelectedReply { Driver = s.Driver, Variant = s.Variant!, Kernels = s.Kernels.ToList(), FailedKernels = Replies.FailedKernels(s.FailedKernels) }).ToList(),
            MadeRelative = [.. outcome.MadeRelative ?? []],
            Operation = new OperationState { Reboot = outcome.Reboot },
            Hooks = Replies.Hooks(hooks),
            Trial = Replies.Armed(outcome.Trial),
        }, DmvJsonContext.Default.AutoSelectReply);
        return 0;
    }
}
