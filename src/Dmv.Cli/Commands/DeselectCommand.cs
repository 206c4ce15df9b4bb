using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.Hooks;
using Dmv.Core.Json;
using Dmv.Core.Pci;
using Dmv.Core.Policies;
using Dmv.Core.Switching;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool -d NAME</c>: remove the updates/ links into dmv/NAME/ in every kernel, atomically.</summary>
internal static class DeselectCommand
{
    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryOpenWithHardware(invocation, terminal, out HostContext host, out DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode))
        {
            return exitCode;
        }

        if (!SelectionService.TryDeselect(host.Root, invocation.Driver!, host.SwitchOptions(invocation, hardware, log), log, out SwitchOutcome? outcome, out Failure? failure))
        {
            return Replies.Fail(terminal, log, failure, host);
        }

        Replies.Warnings(terminal, log);
        List<HookResult> hooks = outcome.Hooks.ToList();
        int? hookFailure = Replies.FailedHook(terminal, hooks, $"deselected '{outcome.Driver}'");
        if (hookFailure is not null)
        {
            return hookFailure.Value;
        }

        if (invocation.Format == OutputFormat.Table)
        {
            terminal.WriteText(ChangeText.Deselect(outcome, hooks));
            return 0;
        }

        terminal.WriteJson(new DeselectReply
        {
            Driver = outcome.Driver,
            Operation = new OperationState { Reboot = outcome.Reboot },
            Kernels = outcome.Kernels.ToList(),
            MadeRelative = [.. outcome.MadeRelative ?? []],
            FailedKernels = Replies.FailedKernels(outcome.FailedKernels),
            Hooks = Replies.Hooks(hooks),
        }, DmvJsonContext.Default.DeselectReply);
        return 0;
    }
}
