using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Json;
using Dmv.Core.Listing;
using Dmv.Core.Pci;
using Dmv.Core.Selection;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool -l</c>: every driver, its variants, and their state.</summary>
public static class ListCommand
{
    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryOpenWithHardware(invocation, terminal, out HostContext host, out DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode))
        {
            return exitCode;
        }

        DriverListing listing;
        using (HostSession.BeginRead(host.Root, invocation.LockTimeout, log))
        {
            listing = DriverListingBuilder.Build(host.Root, new ListingOptions(hardware, host.RunningKernel), log);
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
            terminal.WriteText(ListTable.Render(listing, reboot));
        }
        else
        {
            terminal.WriteJson(ListReplyMapper.ToReply(listing, reboot), DmvJsonContext.Default.ListReply);
        }

        return 0;
    }
}
