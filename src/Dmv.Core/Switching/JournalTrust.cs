using Dmv.Core.Kernels;
using Dmv.Core.Catalog;

namespace Dmv.Core.Switching;

/// <summary>
/// When a journal may be obeyed. Recovery renames and removes links as root, so a journal another
/// user could have written would let that user move any file the journal names. It is obeyed only
/// when the state folder and the journal belong to the effective user and nobody else may write
/// them, its format is one this version wrote, and every name and target in it stays where a
/// switch of its driver could have put it: the folder is /lib/modules/K/updates, link names are
/// single components, new targets lie inside <c>dmv/</c> next to the updates/ folder.
/// </summary>
internal static class JournalTrust
{
    public const int Format = 1;

    /// <summary>Null when every field is one a switch by this version could have written.</summary>
    public static string? CheckContents(SwitchJournal journal)
    {
        if (journal.Format != Format)
        {
            return $"journal format {journal.Format} is not one this driver-tool knows (it writes format {Format})";
        }

        if (NameRules.CheckName("driver", journal.Driver) is { } badDriver)
        {
            return badDriver.Message;
        }

        foreach (LinkChange change in journal.Changes)
        {
            if (KernelRelease.Problem(change.Kernel) is { } badKernel)
            {
                return $"kernel '{change.Kernel}': {badKernel}";
            }

            if (change.Updates != $"{InstalledKernels.ModulesDirectory}/{change.Kernel}/updates")
            {
                return $"folder '{change.Updates}' is not the updates/ folder of kernel {change.Kernel}";
            }

            foreach (string? name in new[] { change.Name, change.Staged, change.SetAside })
            {
                if (name is not null && NameRules.CheckComponent("link", name) is not null)
                {
                    return $"link name '{name}' is not a single path component";
                }
            }

            if (change.NewTarget is not null && TargetProblem(change) is { } target)
            {
                return target;
            }

            if (change.Staged is not null && change.Staged != LinkChange.StagedName(change.Name, journal.Id))
            {
                return $"staged link '{change.Staged}' is not the name a switch stages '{change.Name}' under";
            }

            if (change.SetAside is not null && !LinkChange.IsAsideName(change.SetAside, change.Name))
            {
                return $"'{change.SetAside}' is not the name a switch moves '{change.Name}' aside to";
            }
        }

        return null;
    }

    /// <summary>
    /// A switch links NAME to ../dmv/DRIVER/…/NAME: a module file inside its own kernel's
    /// catalog, never outside it. (A driver's variants may sit in several folders below dmv/.)
    /// </summary>
    private static string? TargetProblem(LinkChange change)
    {
        const string Catalog = "../dmv/";
        string target = change.NewTarget!;
        string[] inside = target.StartsWith(Catalog, StringComparison.Ordinal) ? target[Catalog.Length..].Split('/') : [];
        if (inside.Length < 2 || inside.Any(part => part is "" or "." or ".."))
        {
            return $"target '{target}' does not lie inside a folder of dmv/";
        }

        return inside[^1] == change.Name ? null : $"target '{target}' is not the module '{change.Name}' the link is named after";
    }
}
