using Dmv.Core.Catalog;
using Dmv.Core.FileSystem;
using Dmv.Core.Selection;
using Dmv.Core.State;

namespace Dmv.Core.Verification;

/// <summary>
/// Checks what a switch must never leave behind: dangling links, drivers whose links point at
/// different variants, a leftover journal or staged link, links into a variant without a valid
/// info.json. With repair, mends only what is safe to mend: staged links and journal temporaries
/// no switch is using (the caller holds the lock), and dangling links into dmv/. A half-switched
/// driver or a variant without info.json needs a person's choice and is only reported.
/// </summary>
public static class TreeVerifier
{
    public const string DanglingLink = "dangling-link";
    public const string MixedVariants = "mixed-variants";
    public const string LeftoverJournal = "leftover-journal";
    public const string LeftoverStaged = "leftover-staged-link";
    public const string NoInfoJson = "variant-without-info-json";
    public const string DepmodSeesDmv = "dmv-not-excluded-from-depmod";
    public const string TreeWarning = "unreadable-entry";

    /// <param name="nameOf">The name the listing gives a variant's driver: links are grouped by it.</param>
    /// <param name="only">Only this driver's links, when set.</param>
    public static List<TreeProblem> Check(HostRoot root, StateDirectory? state, IReadOnlyList<KernelCatalog> catalogs, Func<CatalogVariant, string> nameOf, DriverScope? only, bool repair)
    {
        var problems = new List<TreeProblem>();
        if (state is not null)
        {
            // (A journal.tmp is no problem: the next command that takes the lock removes it.)
            if (state.Folder.Contains(StateDirectory.JournalName))
            {
                problems.Add(new TreeProblem(LeftoverJournal, state.JournalPath, "a switch that could not be completed or undone; see the warnings", false));
            }
        }

        var ownership = new LinkOwnership(root, catalogs);
        foreach (KernelCatalog catalog in catalogs)
        {
            CheckUpdates(root, catalog, ownership, nameOf, only, repair, problems);
        }

        if (catalogs.Any(c => c.RealDmvDirectory is not null) && !Hooks.DepmodConfiguration.ExcludesDmv(root))
        {
            bool repaired = repair && WriteExclusion(root);
            problems.Add(new TreeProblem(DepmodSeesDmv, root.RealPathOf(Hooks.DepmodConfiguration.SnippetPath),
                "no depmod.d file says 'exclude dmv': depmod may resolve a driver with nothing selected to one of its variants" + (repaired ? "; written, run depmod -a for each kernel" : ""),
                repaired));
        }

        return problems;
    }

    private static void CheckUpdates(HostRoot root, KernelCatalog catalog, LinkOwnership ownership, Func<CatalogVariant, string> nameOf, DriverScope? only, bool repair, List<TreeProblem> problems)
    {
        PathResolution updates = root.ResolveFrom(root.HostPathOf(catalog.RealKernelDirectory), "updates");
        var entries = new List<DirectoryEntry>();
        if (!updates.Succeeded || !root.TryOpenDirectory(root.HostPathOf(updates.RealPath!), create: false, out DirectoryHandle folder, out _, out _))
        {
            return;
        }

        using DirectoryHandle owned = folder;
        if (!folder.TryList(entries, new byte[16384], out _))
        {
            return;
        }

        string hostUpdates = root.HostPathOf(updates.RealPath!);
        var variantsByDriver = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        entries.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (DirectoryEntry entry in entries.Where(e => e.Kind == EntryKind.Link && e.NameIsValid))
        {
            string path = updates.RealPath + "/" + entry.Name;
            if (!folder.TryReadLink(entry.Name, out string target, out _))
            {
                continue;
            }

            PathResolution resolved = root.ResolveFrom(hostUpdates, entry.Name);
            if (only is not null && !ownership.BelongsTo(only, catalog, hostUpdates, target, resolved))
            {
                continue;
            }

            if (LinkChange.IsStagedName(entry.Name))
            {
                bool repaired = repair && folder.Remove(entry.Name) == 0;
                problems.Add(new TreeProblem(LeftoverStaged, path, $"a link staged by a switch that never finished (to {target})", repaired));
                continue;
            }

            if (!resolved.Succeeded)
            {
                // Only a link into one of the kernels' own dmv/ folders is driver-tool's to mend: a link
                // to /opt/vendor/dmv/… or any other folder that happens to be called dmv is someone else's.
                bool ours = ownership.FoldersNamedBy(hostUpdates, target).DriverFolder is not null;
                bool repaired = repair && ours && folder.Remove(entry.Name) == 0;
                problems.Add(new TreeProblem(DanglingLink, path, $"points to {target}: {resolved.Reason}" + (ours ? "" : " (not a DMV link; left alone)"), repaired));
                continue;
            }

            CatalogVariant? owner = ownership.OwnerOf(resolved.RealPath!, catalog, out bool insideDmv, out _);
            if (!insideDmv)
            {
                continue;
            }

            if (owner is null)
            {
                problems.Add(new TreeProblem(NoInfoJson, path, $"points to {resolved.RealPath}, in a variant without a valid info.json", false));
                continue;
            }

            string key = nameOf(owner);
            if (!variantsByDriver.TryGetValue(key, out SortedSet<string>? variants))
            {
                variants = new SortedSet<string>(StringComparer.Ordinal);
                variantsByDriver[key] = variants;
            }

            variants.Add(owner.Info.Variant);
        }

        foreach ((string name, SortedSet<string> variants) in variantsByDriver.Where(p => p.Value.Count > 1))
        {
            problems.Add(new TreeProblem(MixedVariants, updates.RealPath!, $"driver '{name}' has links to variants {string.Join(", ", variants)}; select one variant to mend it", false));
        }
    }

    private static bool WriteExclusion(HostRoot root)
    {
        string snippet = Hooks.DepmodConfiguration.SnippetPath;
        if (!root.TryOpenDirectory(Path.GetDirectoryName(snippet)!, create: true, out DirectoryHandle folder, out _, out _))
        {
            return false;
        }

        using (folder)
        {
            return folder.WriteFileAtomically(Path.GetFileName(snippet), System.Text.Encoding.UTF8.GetBytes(Hooks.DepmodConfiguration.Snippet), 0x1A4) == 0;
        }
    }
}
