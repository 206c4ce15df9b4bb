using Dmv.Cli.Output;
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

    public static int Fail(Terminal terminal, DiagnosticLog log, Failure failure)
    {
        Warnings(terminal, log);
        return ErrorReporter.Fail(terminal, failure.Errno, failure.Message);
    }

    public static List<HookReply> Hooks(IEnumerable<HookResult> hooks) =>
        hooks.Select(h => new HookReply { Kernel = h.Kernel, Hook = h.Hook, Status = h.Status, Command = h.Command, Detail = h.Detail }).ToList();

    /// <summary>
    /// A failed hook makes the command fail with EIO even though the links are switched and
    /// consistent: the caller must know that depmod or the initrd is not up to date.
    /// </summary>
    public static int? FailedHook(Terminal terminal, IEnumerable<HookResult> hooks, string done)
    {
        HookResult? failed = hooks.FirstOrDefault(h => h.Status == HookResult.Failed);
        if (failed is null)
        {
            return null;
        }

        return ErrorReporter.Fail(terminal, Dmv.Core.FileSystem.Errno.EIO, $"{done}, but {failed.Hook} failed for kernel {failed.Kernel} ({failed.Command}): {failed.Detail}");
    }
}
