using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.Integrity;
using Dmv.Core.Json;
using Dmv.Core.Pci;
using Dmv.Core.Selection;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool -s -n NAME -v VARIANT</c>: switch every kernel that has dmv/NAME/VARIANT to it, atomically.</summary>
public static class SelectCommand
{
    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryOpenWithHardware(invocation, terminal, out HostContext host, out DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode))
        {
            return exitCode;
        }

        SwitchOptions options = host.SwitchOptions(invocation, hardware, log);
        if (!SelectionService.TrySelect(host.Root, invocation.Driver!, invocation.Variant!, options, log, out SwitchOutcome? outcome, out Failure? failure))
        {
            return Replies.Fail(terminal, log, failure!);
        }

        Replies.Warnings(terminal, log);
        int? hookFailure = Replies.FailedHook(terminal, outcome!.Hooks, $"selected '{outcome.Variant}' for '{outcome.Driver}'");
        if (hookFailure is not null)
        {
            return hookFailure.Value;
        }

        terminal.WriteJson(new SelectReply
        {
            Driver = outcome.Driver,
            Variant = outcome.Variant!,
            Operation = new OperationState { Reboot = outcome.Reboot },
            Kernels = outcome.Kernels.ToList(),
            MovedAside = outcome.MovedAside.ToList(),
            Signatures = options.Integrity?.Policy switch { SignaturePolicy.Enforce => "enforce", SignaturePolicy.Warn => "warn", _ => "off" } ?? "off",
            Hooks = Replies.Hooks(outcome.Hooks),
        }, DmvJsonContext.Default.SelectReply);
        return 0;
    }
}
