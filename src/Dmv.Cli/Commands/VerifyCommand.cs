using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Catalog;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Integrity;
using Dmv.Core.Modules;
using Dmv.Core.Json;
using Dmv.Core.Listing;
using Dmv.Core.Pci;
using Dmv.Core.Policies;
using Dmv.Core.Switching;
using Dmv.Core.Verification;
using Dmv.Core.Links;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool verify [NAME] [--repair]</c>: exit 0 when the tree is clean, EUCLEAN when a problem remains.</summary>
internal static class VerifyCommand
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

        HostSession session;
        if (invocation.Repair)
        {
            if (!HostSession.TryBeginWrite(host.Root, invocation.LockTimeout, log, out HostSession? writer, out Failure? failure))
            {
                return Replies.Fail(terminal, log, failure);
            }

            session = writer;
        }
        else
        {
            session = HostSession.BeginRead(host.Root, invocation.LockTimeout, log);
        }

        List<TreeProblem> problems;
        using (session)
        {
            int before = log.Count;
            HostCatalogs catalogs = HostCatalogs.Read(host.Root, host.RunningKernel, log, groupingLog: new DiagnosticLog());
            DriverScope? only = null;
            if (invocation.Driver is not null)
            {
                // The name as -l prints it: looked up in a listing whose warnings are not this command's
                // (the links it would warn about are verify's own problems, reported once below).
                DriverListing listing = DriverListingBuilder.Build(host.Root, catalogs, PresentDevices.None, host.RunningKernel, new DiagnosticLog());
                if (NameResolver.ResolveDriver(listing, invocation.Driver, log, out DriverEntry? entry) is Failure unknown)
                {
                    // A driver whose catalog is gone is still verified by its folder, while links into it are left.
                    if (unknown.Errno != Errno.ENOENT || NameRules.CheckComponent("driver", invocation.Driver) is not null || !HasLinks(session, catalogs, invocation.Driver))
                    {
                        return Replies.Fail(terminal, log, unknown, host);
                    }
                }

                only = entry is null ? DriverScope.FolderOnly(invocation.Driver) : entry.Scope;
            }

            // What -l warns about in the tree (a malformed info.json, a kernel folder it skips) is a
            // problem here; with --strict, so is every other warning (a recovered switch, an unheld lock).
            problems = log.EntriesAfter(invocation.Strict ? 0 : before)
                .Select(d => new TreeProblem(TreeVerifier.TreeWarning, d.Path, d.Reason, false))
                .ToList();
            problems.AddRange(TreeVerifier.Check(session, catalogs, only, invocation.Repair, HostContext.Hooks(invocation), log));
            using var codecs = new NativeCodecs();
            problems.AddRange(VariantVerifier.Check(catalogs.Catalogs, only, new IntegrityChecker(host.Root, host.Integrity(invocation, log), codecs)));
        }

        Replies.Warnings(terminal, log);
        bool clean = problems.All(p => p.Repaired);
        int exit = clean ? 0 : Errno.EUCLEAN;
        if (invocation.Format == OutputFormat.Table)
        {
            // A list a person reads top to bottom: what is wrong (or was mended), then a count.
            int remaining = problems.Count(p => !p.Repaired);
            terminal.WriteText(problems.Count == 0
                ? "clean: no problems found\n"
                : string.Concat(problems.Select(p => $"{(p.Repaired ? "repaired" : "problem")}: {p.Kind}: {p.Path}: {p.Detail}\n"))
                  + (remaining == 0 ? $"clean after repair ({problems.Count} repaired)\n" : $"{remaining} problem(s) remain{(invocation.Repair ? "" : "; 'verify --repair' mends what is safe to mend")}\n"));
        }
        else
        {
            terminal.WriteJson(new VerifyReply
            {
                Clean = clean,
                Exit = exit,
                Problems = problems.Select(p => new ProblemReply { Kind = p.Kind, Path = p.Path, Detail = p.Detail, Repaired = p.Repaired }).ToList(),
            }, DmvJsonContext.Default.VerifyReply);
        }

        if (!clean && invocation.Format != OutputFormat.Table)
        {
            terminal.Error($"{problems.Count(p => !p.Repaired)} problem(s) remain in the tree");
        }

        return exit;
    }

    /// <summary>Whether links into dmv/FOLDER/ are left in some kernel (a driver whose catalog a package removed).</summary>
    private static bool HasLinks(HostSession session, HostCatalogs catalogs, string folder)
    {
        SwitchPlan removal = new SwitchPlanner(session.Folders, catalogs, SwitchPlanner.NewId(), DateTimeOffset.UtcNow).PlanDeselect(DriverScope.FolderOnly(folder));
        return !removal.ChangesNothing;
    }
}
