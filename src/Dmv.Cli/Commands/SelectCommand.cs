using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.Hooks;
using Dmv.Core.Integrity;
using Dmv.Core.Json;
using Dmv.Core.Pci;
using Dmv.Core.Policies;
using Dmv.Core.Switching;
using Dmv.Core.Trial;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool -s -n NAME -v VARIANT</c>: switch every kernel that has dmv/NAME/VARIANT to it, atomically.</summary>
internal static class SelectCommand
{
    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryOpenWithHardware(invocation, terminal, out HostContext host, out DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode))
        {
            return exitCode;
        }

        SwitchOptions options = host.SwitchOptions(invocation, hardware, log);
        SwitchOutcome? outcome;
        Failure? failure;
        if (!(invocation.Trial
            ? TrialService.TrySelect(host.Root, invocation.Driver!, invocation.Variant!, invocation.Tries ?? TrialService.DefaultTries, invocation.BootConfig, options, log, out outcome, out failure)
            : SelectionService.TrySelect(host.Root, invocation.Driver!, invocation.Variant!, options, log, out outcome, out failure)))
        {
            return Replies.Fail(terminal, log, failure, host);
        }

        Replies.Warnings(terminal, log);
        List<HookResult> hooks = outcome.Hooks.ToList();
        int? hookFailure = Replies.FailedHook(terminal, hooks, $"selected '{outcome.Variant}' for '{outcome.Driver}'");
        if (hookFailure is not null)
        {
            return hookFailure.Value;
        }

        if (invocation.Format == OutputFormat.Table)
        {
            terminal.WriteText(ChangeText.Select(outcome, hooks) + ChangeText.Armed(outcome.Trial, invocation.Trial));
            return 0;
        }

        terminal.WriteJson(new SelectReply
        {
            Driver = outcome.Driver,
            Variant = outcome.Variant!,
            Operation = new OperationState { Reboot = outcome.Reboot },
            Kernels = outcome.Kernels.ToList(),
            MovedAside = outcome.MovedAside.ToList(),
            Signatures = options.Integrity?.Policy.Word() ?? "off",
            MadeRelative = [.. outcome.MadeRelative ?? []],
            FailedKernels = Replies.FailedKernels(outcome.FailedKernels),
            Hooks = Replies.Hooks(hooks),
            Trial = Replies.Armed(outcome.Trial),
        }, DmvJsonContext.Default.SelectReply);
        return 0;
    }
}
