using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Listing;
using Dmv.Core.Pci;
using Dmv.Core.Diagnostics;
using Dmv.Core.Hooks;
using Dmv.Core.Json;
using Dmv.Core.Policies;
using Dmv.Core.Switching;

namespace Dmv.Cli.Commands;

/// <summary>What every writing command reports the same way: warnings, failures, hook results.</summary>
internal static class Replies
{
    public static void Warnings(Terminal terminal, DiagnosticLog log)
    {
        foreach (Diagnostic diagnostic in log.Entries)
        {
            terminal.Warn(diagnostic);
        }
    }

    public static int Fail(Terminal terminal, DiagnosticLog log, Failure failure, HostContext? host = null)
    {
        Warnings(terminal, log);
        return ErrorReporter.Fail(terminal, failure.Errno, failure.Message + NameHint(failure));
    }

    /// <summary>For an unknown driver or variant: the names that do exist, closest first ("; drivers here: intel-ice, …").</summary>
    public static string NameHint(Failure failure) =>
        failure.Unknown is { } unknown ? Suggestions.Known(unknown.Kind, unknown.Name, unknown.Known) : "";

    /// <summary>
    /// A warning line per hook whose output had problems the switch did not cause (a foreign or
    /// inherited link depmod could not index, a WARNING), with a hint to run verify; for a person
    /// (--format table) every line of such output, and of a failed hook's, follows on standard error.
    /// </summary>
    public static void HookWarningLines(Terminal terminal, IEnumerable<HookResult> hooks)
    {
        foreach (HookResult hook in hooks.Where(h => h.Status is HookStatus.Warnings or HookStatus.Failed))
        {
            if (hook.Status == HookStatus.Warnings)
            {
                int more = HookOutput.ProblemLines(hook.Detail) - 1;
                terminal.Error($"warning: {hook.Hook} for kernel {hook.Kernel}: {hook.Problem}{(more > 0 ? $" (and {more} more)" : "")}; not caused by this switch: run 'driver-tool verify'");
            }

            if (terminal.Format == OutputFormat.Table && hook.Detail is { } output)
            {
                foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    terminal.Error($"{hook.Hook} {hook.Kernel}: {line}");
                }
            }
        }
    }

    /// <summary>What select --trial or auto-select --trial armed, or null.</summary>
    public static ArmedTrialReply? Armed(Dmv.Core.State.TrialRecord? trial) =>
        trial is null ? null : new ArmedTrialReply { Id = trial.Id, Tries = trial.Tries, BootConfig = trial.BootConfig };

    public static List<KernelFailureReply> FailedKernels(IEnumerable<KernelFailure>? failed) =>
        (failed ?? []).Select(f => new KernelFailureReply { Kernel = f.Kernel, ExitCode = f.Failure.Errno, Message = f.Failure.Message }).ToList();

    public static List<HookReply> Hooks(IEnumerable<HookResult> hooks) =>
        hooks.Select(h => new HookReply { Kernel = h.Kernel, Hook = h.Hook, Status = h.Status.Word(), Command = h.Command, Detail = h.Detail }).ToList();

    /// <summary>
    /// A failed hook makes the command fail with EIO even though the links are switched and
    /// consistent: the caller must know that depmod or the initrd is not up to date.
    /// </summary>
    public static int? FailedHook(Terminal terminal, IEnumerable<HookResult> hooks, string done)
    {
        HookWarningLines(terminal, hooks);
        HookResult? failed = hooks.FirstOrDefault(h => h.Status == HookStatus.Failed);
        if (failed is null)
        {
            return null;
        }

        int more = Math.Max(0, (failed.Detail ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Length - 1);
        string problem = failed.Problem ?? failed.Detail ?? "no output";
        string which = failed.Hook == "all" ? "the hooks did not run" : $"{failed.Hook} failed";
        return ErrorReporter.Fail(terminal, Dmv.Core.FileSystem.Errno.EIO, $"{done}, but {which} for kernel {failed.Kernel}{(failed.Command is null ? "" : $" ({failed.Command})")}: {problem}{(more > 0 ? $" (and {more} more line(s) of output)" : "")}");
    }
}
