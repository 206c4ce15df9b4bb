using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Json;
using Dmv.Core.Listing;
using Dmv.Core.Pci;
using Dmv.Core.Switching;
using Dmv.Core.State;
using Dmv.Core.Catalog;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool history [NAME] [--limit N]</c>: the switches recorded in history.jsonl, newest first.</summary>
internal static class HistoryCommand
{
    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryCreate(invocation, terminal, out HostContext host, out int exitCode))
        {
            return exitCode;
        }

        var log = new DiagnosticLog();
        if (invocation.Driver is not null && NameRules.CheckName("driver", invocation.Driver) is Failure bad)
        {
            return Replies.Fail(terminal, log, bad);
        }

        List<HistoryEntry> entries;
        using (HostSession session = HostSession.BeginRead(host.Root, invocation.LockTimeout, log))
        {
            if (session.StateProblem is Failure unreadable)
            {
                // Said once, as the error: the warning about it is not repeated.
                return Replies.Fail(terminal, new DiagnosticLog(), unreadable);
            }

            if (!HistoryReader.TryRead(session.State, invocation.Driver, invocation.Limit, log, out entries, out int errno, out string? problem))
            {
                return Replies.Fail(terminal, log, new Failure(errno, problem ?? Errno.Describe(errno)));
            }

            if (invocation.Driver is { } name && entries.Count == 0 && Unknown(host, session.State, name, out List<string> known))
            {
                return Replies.Fail(terminal, log, new Failure(Errno.ENOENT, $"unknown driver '{name}': neither installed nor in the history" + Suggestions.Known("driver", name, known)));
            }
        }

        Replies.Warnings(terminal, log);
        if (invocation.Format == OutputFormat.Table)
        {
            terminal.WriteText(Table(entries));
        }
        else
        {
            terminal.WriteJson(new HistoryReply { History = entries }, DmvJsonContext.Default.HistoryReply);
        }

        return 0;
    }

    /// <summary>Whether a name is neither a listed driver nor in the history: then it is a mistake, as for every other command.</summary>
    private static bool Unknown(HostContext host, StateDirectory? state, string name, out List<string> known)
    {
        DriverListing listing = DriverListingBuilder.Build(host.Root, new ListingOptions(static () => PresentDevices.None, host.RunningKernel), new DiagnosticLog());
        HistoryReader.TryRead(state, null, null, new DiagnosticLog(), out List<HistoryEntry> all, out _, out _);
        known = [.. listing.Drivers.Select(static d => d.Name).Concat(all.Select(static e => e.Driver)).Distinct(StringComparer.Ordinal)];
        return !known.Contains(name);
    }

    private static string Table(List<HistoryEntry> entries)
    {
        if (entries.Count == 0)
        {
            return "no switch recorded\n";
        }

        var rows = new List<string[]> { new[] { "TIME", "OPERATION", "DRIVER", "VARIANT", "KERNELS", "ID" } };
        rows.AddRange(entries.Select(e => new[] { e.Time, e.Operation, e.Driver, e.Variant ?? "-", e.Kernels.Count == 0 ? "-" : string.Join(",", e.Kernels), e.Id }));
        return ChangeText.Columns(rows);
    }
}
