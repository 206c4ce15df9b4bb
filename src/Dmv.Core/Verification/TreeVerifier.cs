using Dmv.Core.Catalog;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.Listing;
using Dmv.Core.Switching;
using Dmv.Core.State;
using Dmv.Core.Links;

namespace Dmv.Core.Verification;

/// <summary>
/// Checks what a switch must never leave behind: dangling links, drivers whose links point at
/// different variants, a leftover journal or staged link, links into a variant without a valid
/// info.json, links written with an absolute target (xcp.dmv's), a depmod configuration without
/// "exclude dmv" and a modules.dep that indexes dmv/. With repair, mends only what is safe to mend:
/// staged links and journal temporaries no switch is using (the caller holds the lock), dangling
/// links into dmv/, absolute links (rewritten relative as one journalled switch per driver), the
/// exclusion, and a stale modules.dep (depmod for that kernel). A half-switched driver or a variant
/// without info.json needs a person's choice and is only reported.
/// </summary>
internal static class TreeVerifier
{
    public const string DanglingLink = "dangling-link";
    public const string MixedVariants = "mixed-variants";
    public const string LeftoverJournal = "leftover-journal";
    public const string LeftoverStaged = "leftover-staged-link";
    public const string NoInfoJson = "variant-without-info-json";
    public const string DepmodSeesDmv = "dmv-not-excluded-from-depmod";
    public const string AbsoluteLink = "absolute-link";
    public const string IndexedDmv = "modules-dep-indexes-dmv";
    public const string UnreadableUpdates = "unreadable-updates";
    public const string PendingHooksKind = "hooks-not-run";
    public const string UpdatesIsLink = "updates-is-a-link";
    public const string TreeWarning = "unreadable-entry";
    public const string TrialHookMissing = "trial-hook-missing";
    public const string UntrustedRecord = "untrusted-record";

    /// <param name="session">The command's session: the state folder, and with <paramref name="repair"/> the lock and the folders switches write through.</param>
    /// <param name="groups">How the catalog groups into listed drivers: links are grouped, and relinked, by them.</param>
    /// <param name="only">Only this driver's links, when set.</param>
    public static List<TreeProblem> Check(HostSession session, HostCatalogs host, DriverScope? only, bool repair, HookOptions hooks, DiagnosticLog log)
    {
        HostRoot root = session.Root;
        var problems = new List<TreeProblem>();
        if (session.State is { } state)
        {
            // (A journal.tmp is no problem: the next command that takes the lock removes it.)
            if (state.Folder.Contains(StateDirectory.JournalName))
            {
                problems.Add(new TreeProblem(LeftoverJournal, state.JournalPath, "a switch that could not be completed or undone; see the warnings", false));
            }

            CheckPendingHooks(session, repair, hooks, problems, log);
            CheckTrial(session, problems);
        }

        var absolute = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        foreach (KernelCatalog catalog in host.Catalogs)
        {
            CheckUpdates(root, session.Folders, catalog, host.Ownership, host.Groups.NameOf, only, repair, problems, absolute);
        }

        if (repair && absolute.Count > 0)
        {
            Relink(session, host, absolute, problems, log);
        }

        if (only is null && host.Catalogs.Any(c => c.RealDmvDirectory is not null))
        {
            CheckDepmod(root, host.Catalogs, repair, hooks, problems);
        }

        return problems;
    }

    /// <summary>A pending trial the boot loader cannot count any more (grub.cfg rewritten without driver-tool's hook, say): its next boot falls back.</summary>
    private static void CheckTrial(HostSession session, List<TreeProblem> problems)
    {
        StateDirectory state = session.State!;
        if (!TrialRecordFile.TryRead(state, out TrialRecord? record, out _, out string? untrusted))
        {
            problems.Add(new TreeProblem(UntrustedRecord, state.PathOf(TrialRecord.Name), untrusted!, false));
        }
        else if (record is { IsPending: true } && Trial.TrialStatus.Of(session.Root, record).HookProblem is { } problem)
        {
            problems.Add(new TreeProblem(TrialHookMissing, session.Root.RealPathOf(record.BootConfig), $"trial {record.Id} is pending, but {problem}; its next boot falls back to the previous selection", false));
        }

        // Records auto-select and the boot obey: one that is not driver-tool's own is not obeyed, and says so here too.
        var quiet = new DiagnosticLog();
        FailedBootRecord.Read(state, quiet, out string? failedBoots);
        DeselectionRecord.Read(state, quiet, out string? deselected);
        foreach ((string name, string? problem) in new[] { (FailedBootRecord.Name, failedBoots), (DeselectionRecord.Name, deselected) })
        {
            if (problem is not null)
            {
                problems.Add(new TreeProblem(UntrustedRecord, state.PathOf(name), problem, false));
            }
        }
    }

    /// <summary>Completed switches whose hooks never ran (a crash or power cut while they ran): --repair runs them.</summary>
    private static void CheckPendingHooks(HostSession session, bool repair, HookOptions hooks, List<TreeProblem> problems, DiagnosticLog log)
    {
        List<(string Name, SwitchJournal Journal)> pending = PendingHooks.Read(session.State!, log);
        if (pending.Count == 0)
        {
            return;
        }

        List<HookResult> ran = repair ? session.RunHooks([], hooks, TimeSpan.FromSeconds(30), log) : [];
        bool repaired = repair && ran.All(static h => h.Status is not HookStatus.Failed);
        foreach ((string name, SwitchJournal journal) in pending)
        {
            string kernels = string.Join(", ", journal.Changes.Select(static c => c.Kernel).Distinct(StringComparer.Ordinal));
            problems.Add(new TreeProblem(PendingHooksKind, session.State!.PathOf(name),
                $"the {journal.Operation} of '{journal.Driver}' was completed, but depmod and the initrd were not brought up to date for kernel(s) {kernels}"
                + (repaired ? "; they ran now" : repair ? $"; they failed: {ran.First(static h => h.Status == HookStatus.Failed).Problem}" : ""), repaired));
        }
    }

    /// <summary>
    /// The exclusion, then each kernel's modules.dep: one that indexes dmv/ resolves a driver with
    /// nothing selected to one of its variants (modprobe and modinfo read it, not the configuration).
    /// </summary>
    private static void CheckDepmod(HostRoot root, IReadOnlyList<KernelCatalog> catalogs, bool repair, HookOptions hooks, List<TreeProblem> problems)
    {
        bool excluded = DepmodConfiguration.ExcludesDmv(root);
        if (!excluded)
        {
            excluded = repair && WriteExclusion(root);
            problems.Add(new TreeProblem(DepmodSeesDmv, root.RealPathOf(DepmodConfiguration.SnippetPath),
                "no depmod.d file says 'exclude dmv': depmod may resolve a driver with nothing selected to one of its variants" + (excluded ? "; written" : ""),
                excluded));
        }

        foreach (KernelCatalog catalog in catalogs.Where(static c => c.RealDmvDirectory is not null))
        {
            string hostKernel = root.HostPathOf(catalog.RealKernelDirectory);
            string? indexed = IndexedDmvModule(root, hostKernel);
            if (indexed is null)
            {
                continue;
            }

            string detail = $"indexes {indexed} from dmv/: modprobe and modinfo may load a variant of a driver with nothing selected";
            bool repaired = false;
            if (repair && excluded)
            {
                // depmod writes the index again, now without dmv/; only an index that no longer has it is mended.
                HookResult depmod = HookRunner.Depmod(root, catalog.Release, [], hooks);
                repaired = depmod.Status is HookStatus.Ok or HookStatus.Warnings && IndexedDmvModule(root, hostKernel) is null;
                detail += repaired ? $"; regenerated ({depmod.Command})" : $"; depmod could not regenerate it: {depmod.Problem ?? depmod.Detail}";
            }
            else if (repair)
            {
                detail += "; not regenerated while the depmod configuration does not exclude dmv";
            }

            problems.Add(new TreeProblem(IndexedDmv, root.RealPathOf(hostKernel + "/modules.dep"), detail, repaired));
        }
    }

    /// <summary>The first module below dmv/ that a kernel's modules.dep indexes, or null.</summary>
    private static string? IndexedDmvModule(HostRoot root, string hostKernel)
    {
        byte[] buffer = new byte[64 * 1024];
        if (!root.TryReadFile(hostKernel + "/modules.dep", 64 << 20, ref buffer, out int length, out _))
        {
            return null;
        }

        string absolute = hostKernel + "/dmv/";
        foreach (string line in System.Text.Encoding.UTF8.GetString(buffer, 0, length).Split('\n'))
        {
            int colon = line.IndexOf(':');
            string module = colon > 0 ? line[..colon] : "";
            if (module.StartsWith("dmv/", StringComparison.Ordinal) || module.StartsWith(absolute, StringComparison.Ordinal))
            {
                return module;
            }
        }

        return null;
    }

    /// <summary>One journalled switch per driver whose links have an absolute target; their problems are mended when it lands.</summary>
    private static void Relink(HostSession session, HostCatalogs host, Dictionary<string, List<int>> absolute, List<TreeProblem> problems, DiagnosticLog log)
    {
        var planner = new SwitchPlanner(session.Folders, host, SwitchPlanner.NewId(), DateTimeOffset.UtcNow);
        foreach ((string name, List<CatalogVariant> sources) in host.Groups.Groups)
        {
            if (!absolute.TryGetValue(name, out List<int>? indexes))
            {
                continue;
            }

            SwitchPlan plan = planner.PlanRelink(DriverScope.OfGroup(name, sources));
            var failed = new List<KernelFailure>();
            Failure? failure = plan.ChangesNothing ? null : SwitchExecutor.Execute(session.State!, session.Folders, plan.Journal, CrashPoint.Disarmed, static _ => null, log, hooksOwed: false, out failed);
            plan = plan.WithFailed(failed);
            foreach (KernelFailure kernel in failed)
            {
                log.Warn(name, $"its links in kernel {kernel.Kernel} could not be made relative: {kernel.Failure.Message}");
            }

            if (failure is not null)
            {
                log.Warn(name, $"its links could not be made relative: {failure.Message}");
                continue;
            }

            foreach (int index in indexes.Where(i => !failed.Any(f => problems[i].Path.Contains($"/lib/modules/{f.Kernel}/", StringComparison.Ordinal))))
            {
                TreeProblem problem = problems[index];
                problems[index] = problem with { Detail = problem.Detail + "; made relative", Repaired = true };
            }
        }
    }

    /// <param name="absolute">Gathers, by driver, the indexes in <paramref name="problems"/> of links written with an absolute target.</param>
    private static void CheckUpdates(HostRoot root, OpenFolders folders, KernelCatalog catalog, LinkOwnership ownership, Func<CatalogVariant, string> nameOf, DriverScope? only, bool repair, List<TreeProblem> problems, Dictionary<string, List<int>> absolute)
    {
        if (!UpdatesFolder.TryRead(root, catalog, folders, out UpdatesFolder updates, out Failure? failure))
        {
            // What -l warns about (a folder that leads out of the root, or cannot be read) is a problem here.
            problems.Add(new TreeProblem(UnreadableUpdates, updates.RealPath, $"{failure.DetailAt(root.RealPathOf(updates.HostPath))}; no selection in kernel {catalog.Release} can be read or made", false));
            return;
        }

        if (updates.IsLink)
        {
            problems.Add(new TreeProblem(UpdatesIsLink, catalog.RealKernelDirectory + "/" + UpdatesFolder.Name, $"a symbolic link (to {updates.RealPath}); switches refuse to write through it: make it a folder", false));
        }

        if (updates.Items.Count == 0 || !folders.TryGet(updates.HostPath, create: false, out DirectoryHandle folder, out _))
        {
            return;
        }

        string hostUpdates = updates.ResolvedHostPath(root);
        var variantsByDriver = new Dictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (UpdatesItem entry in updates.Items.Where(e => e.Kind == EntryKind.Link))
        {
            string path = updates.RealPath + "/" + entry.Name;
            string target = entry.Target!;
            PathResolution resolved = entry.Resolved;
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

            CatalogVariant? owner = ownership.OwnerOf(resolved.RealPath, catalog, out bool insideDmv, out _);
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
            if (ownership.IsAbsoluteDmvLink(catalog, target, resolved))
            {
                string? relative = ownership.RelativeFormOf(catalog, hostUpdates, entry.Name, target, resolved);
                if (relative is not null)
                {
                    if (!absolute.TryGetValue(key, out List<int>? indexes))
                    {
                        indexes = [];
                        absolute[key] = indexes;
                    }

                    indexes.Add(problems.Count);
                }

                problems.Add(new TreeProblem(AbsoluteLink, path, $"points to {target} by an absolute path, which depmod -b and any reader under another root follow out of the root; "
                    + (relative is null ? "it does not lead into this kernel's own dmv/ as written, so it is not rewritten: select the driver again" : $"the relative form is {relative}"), false));
            }

            if (!variantsByDriver.TryGetValue(key, out SortedSet<string>? variants))
            {
                variants = new SortedSet<string>(StringComparer.Ordinal);
                variantsByDriver[key] = variants;
            }

            variants.Add(owner.Info.Variant);
        }

        foreach ((string name, SortedSet<string> variants) in variantsByDriver.Where(p => p.Value.Count > 1))
        {
            problems.Add(new TreeProblem(MixedVariants, updates.RealPath, $"driver '{name}' has links to variants {string.Join(", ", variants)}; select one variant to mend it", false));
        }
    }

    private static bool WriteExclusion(HostRoot root)
    {
        string snippet = DepmodConfiguration.SnippetPath;
        if (!root.TryOpenDirectory(Path.GetDirectoryName(snippet)!, create: true, out DirectoryHandle folder, out _))
        {
            return false;
        }

        using (folder)
        {
            return folder.WriteFileAtomically(Path.GetFileName(snippet), System.Text.Encoding.UTF8.GetBytes(DepmodConfiguration.Snippet), 0x1A4) == 0;
        }
    }
}
