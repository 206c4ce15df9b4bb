using Dmv.Core.FileSystem;
using Dmv.Core.State;

namespace Dmv.Core.Trial;

/// <summary>A trial as callers see it (-l's "trial", driver-tool trial): the record, and the tries grub has left.</summary>
internal sealed record TrialStatus(TrialRecord Record, int TriesLeft, string? Reason, string? HookProblem)
{
    public static TrialStatus Of(HostRoot root, TrialRecord record)
    {
        if (!record.IsPending)
        {
            return new TrialStatus(record, record.TriesLeftAtEnd ?? 0, record.Reason, null);
        }

        if (!BootLoader.TryFind(root, record.BootConfig, out BootLoader? loader, out Diagnostics.Failure? failure))
        {
            return new TrialStatus(record, record.Tries, $"the next boot falls back: {failure.Message}", failure.Message);
        }

        using (loader)
        {
            string? hook = loader.CountingProblem()?.Message;
            GrubEnvironment? environment = loader.ReadEnvironment(out string? problem, out _);
            bool counted = environment?[GrubEnvironment.IdName] == record.Id;
            int tries = counted && int.TryParse(environment![GrubEnvironment.TriesName], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int left) && left is >= 0 and <= 9
                ? left
                : record.Tries;
            string? countText = counted ? environment![GrubEnvironment.TriesName] : null;
            bool countable = countText is null || (countText.Length == 1 && countText[0] is >= '0' and <= '9');
            string? reason = !record.Armed ? "arming did not finish: the next trial command, or the next boot, undoes it"
                : counted && environment![GrubEnvironment.StateName] == "pending" && !countable ? $"grubenv holds dt_tries={countText}, which grub does not count down: the next boot falls back"
                : counted && environment![GrubEnvironment.StateName] is not ("pending" or "failed" or "unwritable") ? $"grubenv holds dt_trial={environment[GrubEnvironment.StateName]}, which grub does not count: the next boot falls back"
                : environment is null ? $"grub cannot read {loader.RealEnvironmentPath} ({problem}): the next boot falls back"
                : !counted ? $"grubenv does not name trial {record.Id}: the next boot falls back"
                : environment[GrubEnvironment.StateName] == "failed" ? "the tries are used up: the next boot falls back"
                : environment[GrubEnvironment.StateName] == "unwritable" ? "grub could not save the count: the next boot falls back"
                : hook is not null ? $"the next boot falls back: {hook}"
                : null;
            return new TrialStatus(record, tries, reason, hook);
        }
    }
}

/// <summary>What settle or rollback did: the decision, the switches back, the hooks, and why.</summary>
internal sealed record SettleOutcome(TrialRecord? Record, BootDecision Decision, IReadOnlyList<Dmv.Core.Switching.SwitchOutcome> Switched, IReadOnlyList<Hooks.HookResult> Hooks, string Detail);

/// <summary>What trial enable or disable changed: grub.cfg and the block (host paths), and whether anything was written.</summary>
internal sealed record BootLoaderChange(string Config, string Block, bool Changed);
