using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.Json;
using Dmv.Core.Pci;
using Dmv.Core.Selection;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool -d NAME</c>: remove the updates/ links into dmv/NAME/ in every kernel, atomically.</summary>
public static class DeselectCommand
{
    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryOpenWithHardware(invocation, terminal, out HostContext host, out DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode))
        {
            return exitCode;
        }

        if (!SelectionService.TryDeselect(host.Root, invocation.Driver!, host.SwitchOptions(invocation, hardware, log), log, out SwitchOutcome? outcome, out Failure? failure))
        {
            return Replies.Fail(terminal, log, failure!);
        }

        Replies.Warnings(terminal, log);
        int? hookFailure = Replies.FailedHook(terminal, outcome!.Hooks, $"deselected '{outcome.Driver}'");
        if (hookFailure is not null)
        {
            return hookFailure.Value;
        }

        terminal.WriteJson(new DeselectReply
        {
            Driver = outcome.Driver,
            Operation = new OperationState { Reboot = outcome.Reboot },
            Kernels = outcome.Kernels.ToList(),
            Hooks = Replies.Hooks(outcome.Hooks),
        }, DmvJsonContext.Default.DeselectReply);
        return 0;
    }
}
