using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.FileSystem;
using Dmv.Core.Listing;
using Dmv.Core.Pci;
using Dmv.Core.Diagnostics;
using Dmv.Core.Hooks;
using Dmv.Core.Json;
using Dmv.Core.Selection;

namespace Dmv.Cli.Commands;

/// <summary>What every writing command reports the same way: warnings, failures, hook results.</summary>
public static class Replies
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
        return ErrorReporter.Fail(terminal, failure.Errno, failure.Message + (host is null ? "" : NameHint(host, failure)));
    }

    /// <summary>The text between quotes after <paramref name="prefix"/> in <paramref name="message"/>, or null.</summary>
    private static string? Quoted(string message, string prefix, int from = 0)
    {
        int start = message.IndexOf(prefix + "'", from, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += prefix.Length + 1;
        int end = message.IndexOf('\'', start);
        return end < 0 ? null : message[start..end];
    }

    /// <summary>
    /// For an unknown driver or variant: the names that do exist, closest first ("; drivers here:
    /// intel-ice, …"). Read only on this failing path, so a successful call pays nothing for it.
    /// </summary>
    public static string NameHint(HostContext host, Failure failure)
    {
        if (failure.Errno != Errno.ENOENT)
        {
            return "";
        }

        // SwitchPlanner's wording: "unknown driver 'X'", "driver 'X' has no variant 'Y' in any kernel".
        string? unknownDriver = Quoted(failure.Message, "unknown driver ");
        string? owner = Quoted(failure.Message, "driver ");
        string? variant = owner is null ? null : Quoted(failure.Message, "has no variant ");
        if (unknownDriver is null && variant is null)
        {
            return "";
        }

        DriverListing listing = DriverListingBuilder.Build(host.Root, new ListingOptions(static () => PresentDevices.None, host.RunningKernel), new DiagnosticLog());
        if (unknownDriver is null)
        {
            DriverEntry? entry = listing.Driver(owner!);
            return entry is null ? "" : Suggestions.Known("variant", variant!, entry.Variants.Select(v => v.Name).ToList());
        }

        return Suggestions.Known("driver", unknownDriver, listing.Drivers.Select(d => d.Name).ToList());
    }

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
