using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Json;
using Dmv.Core.Listing;
using Dmv.Core.Pci;
using Dmv.Core.Switching;
using Dmv.Core.Trial;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool -l</c>: every driver, its variants, and their state.</summary>
internal static class ListCommand
{
    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryOpenWithHardware(invocation, terminal, out HostContext host, out DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode))
        {
            return exitCode;
        }

        DriverListing listing;
        TrialStatus? trial;
        using (HostSession.BeginRead(host.Root, invocation.LockTimeout, log))
        {
            listing = DriverListingBuilder.Build(host.Root, new ListingOptions(hardware, host.RunningKernel), log);
            trial = TrialService.Status(host.Root, log);
        }

        foreach (Diagnostic diagnostic in log.Entries)
        {
            terminal.Warn(diagnostic);
        }

        if (invocation.Strict && log.Count > 0)
        {
            string noun = log.Count == 1 ? "problem" : "problems";
            return ErrorReporter.Fail(terminal, Errno.EUCLEAN, $"{log.Count} {noun} in the tree (warnings above); --strict makes them fatal");
        }

        // list NAME…: the same reply with only those drivers; operation.reboot stays the host's.
        bool reboot = listing.RebootRequired;
        if (invocation.Files.Count > 0)
        {
            foreach (string name in invocation.Files)
            {
                if (listing.Driver(name) is null)
                {
                    return ErrorReporter.Fail(terminal, Errno.ENOENT, $"unknown driver '{name}'" + Suggestions.Known("driver", name, listing.Drivers.Select(d => d.Name).ToList()));
                }
            }

            var wanted = new HashSet<string>(invocation.Files, StringComparer.Ordinal);
            listing = listing with { Drivers = listing.Drivers.Where(d => wanted.Contains(d.Name)).ToList() };
        }

        if (invocation.Format == OutputFormat.Table)
        {
            terminal.WriteText(ListTable.Render(listing, reboot) + (trial is null ? "" : TrialLine(trial)));
        }
        else
        {
            ListReply reply = ListReplyMapper.ToReply(listing, reboot);
            terminal.WriteJson(trial is null ? reply : reply.WithTrial(TrialCommand.Brief(trial)), DmvJsonContext.Default.ListReply);
        }

        return 0;
    }

    /// <summary>Under the table: the last trial, in one line.</summary>
    private static string TrialLine(TrialStatus trial)
    {
        string drivers = string.Join(", ", trial.Record.Drivers.Select(static d => $"{d.Driver} {d.Variant} (before: {d.Previous ?? "in-tree"})"));
        string state = trial.Record.IsPending ? $"pending, {trial.TriesLeft} of {trial.Record.Tries} tries left" : trial.Record.State;
        return $"trial {trial.Record.Id}: {state}: {drivers}{(trial.Reason is null ? "" : "; " + trial.Reason)}\n";
    }
}
