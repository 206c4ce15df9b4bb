using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.Hooks;
using Dmv.Core.Json;
using Dmv.Core.Pci;
using Dmv.Core.Policies;
using Dmv.Core.Switching;

namespace Dmv.Cli.Commands;

/// <summary>
/// <c>driver-tool reconcile [NAME…] [--pending]</c>: after packages installed, upgraded or removed
/// variants, keep each driver's selection valid (re-point, deselect, auto-select) and run the hooks
/// once. The RPM macros for driver packages call it with --pending.
/// </summary>
internal static class ReconcileCommand
{
    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryOpenWithHardware(invocation, terminal, out HostContext host, out DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode))
        {
            return exitCode;
        }

        if (!Reconciler.TryReconcile(host.Root, invocation.Files, invocation.Pending, host.SwitchOptions(invocation, hardware, log), log, out List<ReconcileAction> actions, out List<HookResult> ran, out List<string> madeRelative, out Failure? failure))
        {
            return Replies.Fail(terminal, log, failure, host);
        }

        Replies.Warnings(terminal, log);
        List<HookResult> hooks = ran;
        int? hookFailure = Replies.FailedHook(terminal, hooks, $"reconciled {actions.Count} driver(s)");
        if (hookFailure is not null)
        {
            return hookFailure.Value;
        }

        // A driver that could not be reconciled fails the command (its errno), after the others were
        // done and the hooks ran: RPM scriptlets warn on it, and the reply says which and why.
        ReconcileAction? failed = actions.FirstOrDefault(a => a.Failure is not null);
        if (failed is not null && invocation.Format != OutputFormat.Table)
        {
            terminal.Error($"{failed.Driver}: {failed.Detail}");
        }

        // With --format table the FAILED line of the table is the message: said once.
        int exit = failed?.Failure!.Errno ?? 0;
        if (invocation.Format == OutputFormat.Table)
        {
            terminal.WriteText(ChangeText.Reconcile(actions, hooks, invocation.Files, terminal.Interactive));
            return exit;
        }

        terminal.WriteJson(new ReconcileReply
        {
            Reconciled = actions.Select(a => new ReconciledReply
            {
                Driver = a.Driver,
                Action = a.Action.Word(),
                Variant = a.Variant,
                Detail = a.Detail,
                FailedKernels = Replies.FailedKernels(a.FailedKernels),
            }).ToList(),
            MadeRelative = madeRelative,
            Hooks = Replies.Hooks(hooks),
            Exit = exit,
        }, DmvJsonContext.Default.ReconcileReply);
        return exit;
    }
}
