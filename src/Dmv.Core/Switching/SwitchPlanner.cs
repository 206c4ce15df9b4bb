using Dmv.Core.Diagnostics;
using Dmv.Core.Catalog;
using Dmv.Core.FileSystem;
using Dmv.Core.Listing;
using Dmv.Core.Links;

namespace Dmv.Core.Switching;

/// <summary>
/// Works out the link changes of a select or deselect, kernel by kernel, without touching
/// anything. A regular file or a foreign link where a module link must go stops that kernel's
/// plan with EEXIST, unless forced, in which case it is moved aside under a name the kernel ignores.
/// </summary>
internal sealed class SwitchPlanner
{
    private readonly HostRoot _root;
    private readonly OpenFolders _folders;
    private readonly IReadOnlyList<KernelCatalog> _catalogs;
    private readonly string _baseId;
    private int _plans;
    private string _id = "";
    private readonly string _stamp;
    private readonly LinkOwnership _ownership;

    /// <param name="folders">Where updates/ folders are opened by descriptor: the executor writes through the same ones.</param>
    public SwitchPlanner(OpenFolders folders, HostCatalogs host, string id, DateTimeOffset now)
    {
        _root = folders.Root;
        _folders = folders;
        _catalogs = host.Catalogs;
        _baseId = id;
        _ownership = host.Ownership;
        _stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// Points the driver's links, in every kernel that has the variant, at that kernel's copy of it.
    /// Each kernel is planned on its own: a kernel whose copy cannot be linked (refused by
    /// <paramref name="gate"/>, no module files, a foreign file in the way) is reported in
    /// <see cref="SwitchPlan.Failed"/> and left as it is, and the other kernels are planned as usual.
    /// </summary>
    /// <param name="onlyKernels">When set, only these kernels are planned.</param>
    /// <param name="operation">What the journal and the history call the switch: "select", or reconcile's "re-point".</param>
    public SwitchPlan PlanSelect(DriverScope driver, VariantEntry variant, bool force, Func<CatalogVariant, Failure?>? gate, IReadOnlySet<string>? onlyKernels = null, string operation = SwitchOperation.Select)
    {
        NextSwitchId();
        var changes = new List<LinkChange>();
        var kernels = new List<string>();
        var movedAside = new List<string>();
        var failed = new List<KernelFailure>();
        var relinked = new List<string>();
        foreach (KernelCatalog catalog in Planned(onlyKernels))
        {

            CatalogVariant? source = variant.Sources.FirstOrDefault(s => s.Kernel == catalog.Release);
            if (source is null)
            {
                string? rejected = RejectedCopy(catalog, variant);
                if (rejected is not null)
                {
                    failed.Add(new KernelFailure(catalog.Release, new Failure(Errno.ENOENT, $"{rejected}: no valid info.json; variant '{variant.Name}' cannot be selected in kernel {catalog.Release}")));
                }

                continue;
            }

            var kernelChanges = new List<LinkChange>();
            var kernelAside = new List<string>();
            Failure? failure = gate?.Invoke(source) ?? PlanKernelSelect(catalog, driver, source, force, kernelChanges, kernelAside, relinked);
            if (failure is not null)
            {
                failed.Add(new KernelFailure(catalog.Release, failure));
                continue;
            }

            changes.AddRange(kernelChanges);
            movedAside.AddRange(kernelAside);
            if (kernelChanges.Count > 0)
            {
                kernels.Add(catalog.Release);
            }
        }

        return new SwitchPlan(NewJournal(operation, driver.Name, variant.Name, changes), kernels, movedAside, failed, relinked);
    }

    private Failure? PlanKernelSelect(KernelCatalog catalog, DriverScope driver, CatalogVariant source, bool force, List<LinkChange> changes, List<string> movedAside, List<string> relinked)
    {
        if (source.Folder.Length == 0)
        {
            // Its module links would point at dmv/ itself, where no driver's links can be told apart.
            return new Failure(Errno.EINVAL, $"{source.InfoPath}: an info.json directly in dmv/ is not a variant that can be selected; a variant lives in dmv/DRIVER/VARIANT/");
        }

        if (!VariantModules.TryFind(_root, source.Directory, out SortedDictionary<string, string> modules, out Failure? failure))
        {
            return failure;
        }

        if (modules.Count == 0)
        {
            return new Failure(Errno.ENOENT, $"{source.Directory}: variant '{source.Info.Variant}' of driver '{driver.Name}' has no module files");
        }

        if (!TryReadUpdates(catalog, driver, out string hostUpdates, out Dictionary<string, UpdatesEntry> entries, out failure))
        {
            return failure;
        }

        foreach ((string module, string relative) in modules)
        {
            string target = $"../dmv/{source.Folder}/{relative}";
            entries.TryGetValue(module, out UpdatesEntry? existing);
            if (existing is not null && existing.OwnedByDriver && existing.LinkTarget == target)
            {
                continue;
            }

            string? aside = null;
            if (existing is not null && !existing.OwnedByDriver)
            {
                if (!force)
                {
                    return new Failure(Errno.EEXIST, $"{_root.RealPathOf(hostUpdates)}/{module}: {existing.Description} that driver-tool does not own stands where the module link must go; --force moves it aside");
                }

                aside = LinkChange.AsideName(module, _stamp);
                for (int attempt = 1; entries.ContainsKey(aside); attempt++)
                {
                    aside = LinkChange.AsideName(module, $"{_stamp}.{attempt}");
                }

                movedAside.Add($"{hostUpdates}/{module} -> {hostUpdates}/{aside}");
            }

            changes.Add(new LinkChange
            {
                Kernel = catalog.Release,
                Updates = hostUpdates,
                Name = module,
                OldTarget = existing?.OwnedByDriver == true ? existing.LinkTarget : null,
                NewTarget = target,
                Staged = LinkChange.StagedName(module, _id),
                SetAside = aside,
            });
        }

        foreach (UpdatesEntry entry in entries.Values.Where(e => e.OwnedByDriver && !modules.ContainsKey(e.Name)).OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            changes.Add(new LinkChange { Kernel = catalog.Release, Updates = hostUpdates, Name = entry.Name, OldTarget = entry.LinkTarget });
        }

        AdoptAbsoluteLinks(catalog.Release, hostUpdates, entries, changes, relinked);
        return null;
    }

    /// <summary>
    /// A kernel a switch changes gets every other DMV link written with an absolute target (as
    /// xcp.dmv writes them) rewritten in the relative form, in the same journalled switch: an
    /// absolute target leads depmod -b, and any reader under another root, out of the root.
    /// </summary>
    private void AdoptAbsoluteLinks(string kernel, string hostUpdates, Dictionary<string, UpdatesEntry> entries, List<LinkChange> changes, List<string> relinked)
    {
        if (changes.Count == 0)
        {
            return;
        }

        var touched = new HashSet<string>(changes.Select(static c => c.Name), StringComparer.Ordinal);
        Relink(kernel, hostUpdates, entries.Values.Where(e => !touched.Contains(e.Name)), changes, relinked);
    }

    /// <summary>Each of <paramref name="entries"/> written with an absolute target, rewritten in its relative form (in name order).</summary>
    private void Relink(string kernel, string hostUpdates, IEnumerable<UpdatesEntry> entries, List<LinkChange> changes, List<string> relinked)
    {
        foreach (UpdatesEntry entry in entries.Where(static e => e.RelativeForm is not null).OrderBy(static e => e.Name, StringComparer.Ordinal))
        {
            changes.Add(new LinkChange
            {
                Kernel = kernel,
                Updates = hostUpdates,
                Name = entry.Name,
                OldTarget = entry.LinkTarget,
                NewTarget = entry.RelativeForm,
                Staged = LinkChange.StagedName(entry.Name, _id),
            });
            relinked.Add($"{hostUpdates}/{entry.Name}");
        }
    }

    /// <summary>A folder of this kernel where the variant's info.json is in another kernel, but was rejected here.</summary>
    private static string? RejectedCopy(KernelCatalog catalog, VariantEntry variant)
    {
        if (catalog.RealDmvDirectory is null)
        {
            return null;
        }

        foreach (CatalogVariant other in variant.Sources)
        {
            string here = catalog.RealDmvDirectory + "/" + other.Folder;
            if (catalog.IsRejected(here))
            {
                return here;
            }
        }

        return null;
    }

    /// <summary>Removes the driver's links in every kernel (or only <paramref name="onlyKernels"/>); a kernel whose updates/ cannot be read is reported in <see cref="SwitchPlan.Failed"/>.</summary>
    public SwitchPlan PlanDeselect(DriverScope driver, IReadOnlySet<string>? onlyKernels = null, string operation = SwitchOperation.Deselect)
    {
        NextSwitchId();
        var changes = new List<LinkChange>();
        var kernels = new List<string>();
        var failed = new List<KernelFailure>();
        var relinked = new List<string>();
        foreach (KernelCatalog catalog in Planned(onlyKernels))
        {

            if (!TryReadUpdates(catalog, driver, out string hostUpdates, out Dictionary<string, UpdatesEntry> entries, out Failure? failure))
            {
                failed.Add(new KernelFailure(catalog.Release, failure));
                continue;
            }

            var kernelChanges = new List<LinkChange>();
            foreach (UpdatesEntry entry in entries.Values.Where(e => e.OwnedByDriver).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                kernelChanges.Add(new LinkChange { Kernel = catalog.Release, Updates = hostUpdates, Name = entry.Name, OldTarget = entry.LinkTarget });
            }

            AdoptAbsoluteLinks(catalog.Release, hostUpdates, entries, kernelChanges, relinked);
            changes.AddRange(kernelChanges);
            if (kernelChanges.Count > 0)
            {
                kernels.Add(catalog.Release);
            }
        }

        return new SwitchPlan(NewJournal(operation, driver.Name, null, changes), kernels, [], failed, relinked);
    }

    /// <summary>
    /// Rewrites the driver's links written with an absolute target (as xcp.dmv writes them) in the
    /// relative form, in every kernel: verify --repair's mend for a tree made by xcp.dmv.
    /// </summary>
    public SwitchPlan PlanRelink(DriverScope driver)
    {
        NextSwitchId();
        var changes = new List<LinkChange>();
        var kernels = new List<string>();
        var failed = new List<KernelFailure>();
        var relinked = new List<string>();
        foreach (KernelCatalog catalog in _catalogs)
        {
            if (!TryReadUpdates(catalog, driver, out string hostUpdates, out Dictionary<string, UpdatesEntry> entries, out Failure? failure))
            {
                failed.Add(new KernelFailure(catalog.Release, failure));
                continue;
            }

            int before = changes.Count;
            Relink(catalog.Release, hostUpdates, entries.Values.Where(static e => e.OwnedByDriver), changes, relinked);

            if (changes.Count > before)
            {
                kernels.Add(catalog.Release);
            }
        }

        return new SwitchPlan(NewJournal(SwitchOperation.Relink, driver.Name, null, changes), kernels, [], failed, relinked);
    }

    /// <summary>A switch id no other run makes: the process and the time.</summary>
    public static string NewId() => $"{Environment.ProcessId}-{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds():x}";

    /// <summary>Each plan is its own switch, with its own id in its journal, staged names and history line.</summary>
    private void NextSwitchId() => _id = _plans++ == 0 ? _baseId : $"{_baseId}-{_plans}";

    /// <summary>
    /// The variant the driver's links name by their text, even dangling ones (a package upgrade may
    /// have moved the files): the one variant they all name, or null.
    /// </summary>
    /// <param name="kernel">Only that kernel's links, when set.</param>
    public string? VariantNamedByLinks(DriverScope driver, string? kernel = null)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (KernelCatalog catalog in _catalogs.Where(c => kernel is null || c.Release == kernel))
        {
            if (!TryReadUpdates(catalog, driver, out string hostUpdates, out Dictionary<string, UpdatesEntry> entries, out _))
            {
                continue;
            }

            foreach (UpdatesEntry entry in entries.Values.Where(e => e.OwnedByDriver && e.LinkTarget is not null))
            {
                if (_ownership.VariantNamedBy(hostUpdates, entry.LinkTarget!) is CatalogVariant variant)
                {
                    named.Add(variant.Info.Variant);
                }
            }
        }

        return named.Count == 1 ? named.Single() : null;
    }

    /// <summary>
    /// Reads a kernel's updates/ (through the descriptor the switch then writes through) and sorts out
    /// which entries are the driver's own links: those whose target lies (or, when dangling, would lie)
    /// inside a dmv/DRIVER/ folder. An updates/ that is itself a link is not written through: the
    /// relative targets a switch writes would be wrong from where it really is.
    /// </summary>
    private bool TryReadUpdates(KernelCatalog catalog, DriverScope driver, out string hostUpdates, out Dictionary<string, UpdatesEntry> entries, [NotNullWhen(false)] out Failure? failure)
    {
        entries = new Dictionary<string, UpdatesEntry>(StringComparer.Ordinal);
        failure = null;
        if (!UpdatesFolder.TryRead(_root, catalog, _folders, out UpdatesFolder updates, out failure))
        {
            hostUpdates = updates.HostPath;
            return false;
        }

        // The journal names the folder as the system does, /lib/modules/K/updates: recovery opens it
        // inside the root by descriptor, and a journal naming any other folder is not obeyed.
        hostUpdates = updates.HostPath;
        if (updates.IsLink)
        {
            failure = new Failure(Errno.ELOOP, $"{catalog.RealKernelDirectory}/updates is a symbolic link; driver-tool writes module links only into a real updates/ folder of the kernel, where their relative targets lead into dmv/: make it a folder");
            return false;
        }

        string resolvedUpdates = updates.ResolvedHostPath(_root);
        foreach (UpdatesItem entry in updates.Items)
        {
            if (entry.Kind != EntryKind.Link)
            {
                entries[entry.Name] = new UpdatesEntry(entry.Name, false, null, entry.Description);
                continue;
            }

            bool owned = _ownership.BelongsTo(driver, catalog, resolvedUpdates, entry.Target!, entry.Resolved);
            entries[entry.Name] = new UpdatesEntry(entry.Name, owned, entry.Target, entry.Description, _ownership.RelativeFormOf(catalog, resolvedUpdates, entry.Name, entry.Target!, entry.Resolved));
        }

        return true;
    }

    private SwitchJournal NewJournal(string operation, string driver, string? variant, List<LinkChange> changes) => new()
    {
        Id = _id,
        State = JournalState.Prepared,
        Operation = operation,
        Driver = driver,
        Variant = variant,
        Changes = changes,
    };

    /// <summary>The kernels a plan covers: all, or only those named.</summary>
    private List<KernelCatalog> Planned(IReadOnlySet<string>? onlyKernels) =>
        onlyKernels is null ? [.. _catalogs] : _catalogs.Where(c => onlyKernels.Contains(c.Release));
}
