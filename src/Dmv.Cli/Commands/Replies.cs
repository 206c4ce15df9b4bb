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
    /// A hook's exit status is not the whole truth: depmod exits 0 after printing "depmod: ERROR:
    /// fstatat(…)" for a module it could not index. Output with ERROR or FATAL lines makes the hook
    /// "failed" (the command then fails with EIO, the switch itself complete); WARNING lines alone
    /// make it "warnings" (a warning on stderr, exit 0).
    /// </summary>
    public static List<HookResult> Judge(IEnumerable<HookResult> hooks) =>
        hooks.Select(h => h.Status == HookStatus.Ok && h.Detail is { } output ? h with { Status = Judge(output) } : h).ToList();

    /// <summary>The first ERROR/FATAL line of a hook's output (else its first line), and how many lines follow: one line for stderr.</summary>
    private static string FirstProblem(string? output)
    {
        string[] lines = (output ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return "no output";
        }

        string first = lines.FirstOrDefault(l => l.Contains("ERROR", StringComparison.Ordinal) || l.Contains("FATAL", StringComparison.Ordinal)) ?? lines[0];
        return lines.Length == 1 ? first : $"{first} (and {lines.Length - 1} more line(s))";
    }

    private static HookStatus Judge(string output)
    {
        string[] lines = output.Split('\n');
        if (lines.Any(l => l.Contains("ERROR", StringComparison.Ordinal) || l.Contains("FATAL", StringComparison.Ordinal)))
        {
            return HookStatus.Failed;
        }

        return lines.Any(l => l.Contains("WARNING", StringComparison.Ordinal)) ? HookStatus.Warnings : HookStatus.Ok;
    }

    /// <summary>One warning line per hook whose output had warnings.</summary>
    public static void HookWarningLines(Terminal terminal, IEnumerable<HookResult> hooks)
    {
        foreach (HookResult hook in hooks.Where(h => h.Status == HookStatus.Warnings))
        {
            string first = hook.Detail!.Split('\n').First(l => l.Contains("WARNING", StringComparison.Ordinal)).Trim();
            int more = hook.Detail.Split('\n').Count(l => l.Contains("WARNING", StringComparison.Ordinal)) - 1;
            terminal.Error($"warning: {hook.Hook} for kernel {hook.Kernel}: {first}{(more > 0 ? $" (and {more} more)" : "")}");
        }
    }

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

        return ErrorReporter.Fail(terminal, Dmv.Core.FileSystem.Errno.EIO, $"{done}, but {failed.Hook} failed for kernel {failed.Kernel} ({failed.Command}): {FirstProblem(failed.Detail)}");
    }
}
