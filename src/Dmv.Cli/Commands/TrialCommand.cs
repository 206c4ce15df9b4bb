using System.Text;
using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.Hooks;
using Dmv.Core.Json;
using Dmv.Core.Pci;
using Dmv.Core.Switching;
using Dmv.Core.State;
using Dmv.Core.Trial;

namespace Dmv.Cli.Commands;

/// <summary>
/// <c>driver-tool trial [confirm|rollback|settle|enable|disable|boot]</c>: the record of the last
/// trial selection, and the steps that prepare the boot loader for trials and end them.
/// </summary>
internal static class TrialCommand
{
    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryOpenWithHardware(invocation, terminal, out HostContext host, out DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode))
        {
            return exitCode;
        }

        SwitchOptions options = host.SwitchOptions(invocation, hardware, log);
        switch (invocation.TrialAction)
        {
            case null:
                return Show(invocation, terminal, host, log);
            case "confirm":
                if (!TrialService.TryConfirm(host.Root, invocation.Force, options, log, out TrialRecord? confirmed, out List<HookResult> confirmHooks, out Failure? failure))
                {
                    return Replies.Fail(terminal, log, failure);
                }

                Replies.Warnings(terminal, log);
                if (Replies.FailedHook(terminal, confirmHooks, $"trial {confirmed.Id} confirmed") is int hookFailure)
                {
                    return hookFailure;
                }

                TrialStatus status = TrialStatus.Of(host.Root, confirmed);
                if (invocation.Format == OutputFormat.Table)
                {
                    terminal.WriteText($"trial {confirmed.Id} is {confirmed.State}: {string.Join(", ", confirmed.Drivers.Select(d => $"{d.Variant} for {d.Driver}"))} kept\n");
                    return 0;
                }

                terminal.WriteJson(new TrialConfirmReply { Trial = Brief(status) }, DmvJsonContext.Default.TrialConfirmReply);
                return 0;
            case "rollback":
            case "settle":
                SettleOutcome? outcome;
                if (!(invocation.TrialAction == "rollback"
                    ? TrialService.TryRollback(host.Root, options, log, out outcome, out failure)
                    : TrialService.TrySettle(host.Root, options, log, out outcome, out failure)))
                {
                    return Replies.Fail(terminal, log, failure);
                }

                return Decision(invocation, terminal, log, outcome.Decision with { Trial = outcome.Record?.Id }, outcome.Switched, outcome.Hooks, outcome.Detail, $"trial {outcome.Record?.Id} rolled back");
            case "boot":
                BootDecision decision = TrialService.Boot(host.Root, options, log, out List<SwitchOutcome> rolledBack, out List<HookResult> bootHooks, out failure);
                if (failure is not null)
                {
                    log.Warn(decision.Trial ?? "trial", $"falling back failed: {failure.Message}");
                }

                return Decision(invocation, terminal, log, decision, rolledBack, bootHooks, decision.Detail ?? (decision.Decision == BootDecision.Try ? $"trying trial {decision.Trial}" : "no trial pending"), done: null);
            default:
                BootLoaderChange? change;
                if (!(invocation.TrialAction == "enable"
                    ? TrialService.TryEnable(host.Root, invocation.BootConfig, options, log, out change, out failure)
                    : TrialService.TryDisable(host.Root, invocation.BootConfig, options, log, out change, out failure)))
                {
                    return Replies.Fail(terminal, log, failure);
                }

                Replies.Warnings(terminal, log);
                if (invocation.Format == OutputFormat.Table)
                {
                    string what = invocation.TrialAction == "enable" ? "prepared for trial selections" : "no longer prepared for trial selections";
                    terminal.WriteText($"{host.Root.RealPathOf(change.Config)}: {(change.Changed ? what : $"already {what}")}\n");
                    return 0;
                }

                terminal.WriteJson(new BootLoaderReply { BootConfig = change.Config, Block = change.Block, Changed = change.Changed }, DmvJsonContext.Default.BootLoaderReply);
                return 0;
        }
    }

    /// <summary>-l's "trial": the contract's shape.</summary>
    public static TrialReply Brief(TrialStatus status) => new()
    {
        Id = status.Record.Id,
        State = status.Record.State,
        TriesLeft = status.TriesLeft,
        Drivers = status.Record.Drivers.Select(static d => new TrialDriverReply { Driver = d.Driver, Variant = d.Variant, Previous = d.Previous }).ToList(),
        Reason = status.Reason,
    };

    private static int Show(Invocation invocation, Terminal terminal, HostContext host, DiagnosticLog log)
    {
        TrialStatus? status = TrialService.Status(host.Root, log);
        Replies.Warnings(terminal, log);
        if (invocation.Format == OutputFormat.Table)
        {
            terminal.WriteText(status is null ? "no trial selection was ever made\n" : Table(status));
            return 0;
        }

        TrialRecord? record = status?.Record;
        terminal.WriteJson(new TrialRecordReply
        {
            Trial = record is null ? null : new TrialDetailReply
            {
                Id = record.Id,
                State = record.State,
                Armed = record.Armed,
                Tries = record.Tries,
                TriesLeft = status!.TriesLeft,
                BootConfig = record.BootConfig,
                ArmedAt = record.ArmedAt,
                EndedAt = record.EndedAt,
                Reason = status.Reason,
                BootLoaderProblem = status.HookProblem,
                Drivers = record.Drivers.Select(static d => new TrialDriverReply
                {
                    Driver = d.Driver,
                    Variant = d.Variant,
                    Previous = d.Previous,
                    Kernels = d.Kernels.Select(static k => new TrialKernelReply { Kernel = k.Kernel, Previous = k.Previous }).ToList(),
                }).ToList(),
            },
        }, DmvJsonContext.Default.TrialRecordReply);
        return 0;
    }

    private static string Table(TrialStatus status)
    {
        TrialRecord record = status.Record;
        var text = new StringBuilder();
        text.Append($"trial {record.Id}: {record.State}, {status.TriesLeft} of {record.Tries} tries left; armed {record.ArmedAt}{(record.EndedAt is null ? "" : $", ended {record.EndedAt}")}\n");
        if (status.Reason is not null)
        {
            text.Append(status.Reason).Append('\n');
        }

        var rows = new List<string[]> { new[] { "DRIVER", "ON TRIAL", "BEFORE", "KERNELS" } };
        foreach (TrialDriver driver in record.Drivers)
        {
            rows.Add([driver.Driver, driver.Variant, driver.Previous ?? "(in-tree)", string.Join(", ", driver.Kernels.Select(static k => k.Kernel))]);
        }

        return text.Append(ChangeText.Columns(rows)).ToString();
    }

    /// <param name="done">What was done, for the EIO line of a failed hook; null in the initrd (trial boot), where the decision is the reply whatever depmod said.</param>
    private static int Decision(Invocation invocation, Terminal terminal, DiagnosticLog log, BootDecision decision, IReadOnlyList<SwitchOutcome> switched, IReadOnlyList<HookResult> hooks, string detail, string? done)
    {
        Replies.Warnings(terminal, log);
        int? hookFailure = done is null ? null : Replies.FailedHook(terminal, hooks, done);
        if (hookFailure is not null)
        {
            return hookFailure.Value;
        }

        if (invocation.Format == OutputFormat.Table)
        {
            var text = new StringBuilder(detail).Append('\n');
            foreach (SwitchOutcome back in switched.Where(static s => s.Kernels.Count > 0))
            {
                text.Append($"{back.Driver}: back to {back.Variant ?? "the in-tree module"} in {string.Join(", ", back.Kernels)}\n");
            }

            if (hooks.Count > 0)
            {
                text.Append(ChangeText.Tail(hooks, reboot: null)).Append('\n');
            }

            terminal.WriteText(text.ToString());
            return 0;
        }

        terminal.WriteJson(new TrialDecisionReply
        {
            Trial = decision.Trial,
            Decision = decision.Decision,
            Reason = decision.Reason,
            Detail = detail,
            Token = decision.Token,
            RolledBack = switched.Select(static s => new RolledBackReply { Driver = s.Driver, Variant = s.Variant, Kernels = [.. s.Kernels], FailedKernels = Replies.FailedKernels(s.FailedKernels) }).ToList(),
            Hooks = Replies.Hooks(hooks),
        }, DmvJsonContext.Default.TrialDecisionReply);
        return 0;
    }
}
