using Dmv.Core.Catalog;
using Dmv.Core.FileSystem;
using Dmv.Core.Kernels;
using Dmv.Core.State;

namespace Dmv.Core.Selection;

/// <summary>
/// Works out the link changes of a select or deselect, kernel by kernel, without touching
/// anything. A regular file or a foreign link where a module link must go stops the plan with
/// EEXIST, unless forced, in which case it is moved aside under a name the kernel ignores.
/// </summary>
public sealed class SwitchPlanner
{
    private readonly HostRoot _root;
    private readonly OpenFolders _folders;
    private readonly IReadOnlyList<KernelCatalog> _catalogs;
    private readonly string _id;
    private readonly string _stamp;

    /// <param name="folders">Where updates/ folders are opened by descriptor: the executor writes through the same ones.</param>
    public SwitchPlanner(OpenFolders folders, IReadOnlyList<KernelCatalog> catalogs, string id, DateTimeOffset now)
    {
        _root = folders.Root;
        _folders = folders;
        _catalogs = catalogs;
        _id = id;
        _stamp = now.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>True when any kernel has a dmv/ folder for the driver.</summary>
    public bool KnowsDriver(string driver) => _catalogs.Any(c => c.RealDmvDirectory is not null && Directory.Exists(c.RealDmvDirectory + "/" + driver));

    public bool TryPlanSelect(string driver, string variant, bool force, out SwitchPlan? plan, out Failure? failure)
    {
        plan = null;
        var changes = new List<LinkChange>();
        var kernels = new List<string>();
        var movedAside = new List<string>();
        foreach (KernelCatalog catalog in _catalogs)
        {
            if (catalog.RealDmvDirectory is null)
            {
                continue;
            }

            string variantDirectory = catalog.RealDmvDirectory + "/" + driver + "/" + variant;
            if (!Directory.Exists(variantDirectory))
            {
                continue;
            }

            if (!catalog.Variants.Any(v => v.Directory == variantDirectory))
            {
                failure = new Failure(Errno.ENOENT, $"{variantDirectory}: no valid info.json; this variant cannot be selected");
                return false;
            }

            if (!VariantModules.TryFind(variantDirectory, out SortedDictionary<string, string> modules, out failure))
            {
                return false;
            }

            if (modules.Count == 0)
            {
                failure = new Failure(Errno.ENOENT, $"{variantDirectory}: variant '{variant}' of driver '{driver}' has no module files");
                return false;
            }

            if (!TryReadUpdates(catalog, driver, out string hostUpdates, out Dictionary<string, UpdatesEntry> entries, out failure))
            {
                return false;
            }

            int before = changes.Count;
            foreach ((string module, string relative) in modules)
            {
                string target = $"../dmv/{driver}/{variant}/{relative}";
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
                        failure = new Failure(Errno.EEXIST, $"{_root.RealPathOf(hostUpdates)}/{module}: {existing.Description} that driver-tool does not own stands where the module link must go; --force moves it aside");
                        return false;
                    }

                    aside = $"{module}.saved-by-driver-tool-{_stamp}";
                    movedAside.Add($"{hostUpdates}/{module} -> {hostUpdates}/{aside}");
                }

                changes.Add(new LinkChange
                {
                    Kernel = catalog.Release,
                    Updates = hostUpdates,
                    Name = module,
                    OldTarget = existing?.OwnedByDriver == true ? existing.LinkTarget : null,
                    NewTarget = target,
                    Staged = $".{module}.driver-tool-{_id}",
                    SetAside = aside,
                });
            }

            foreach (UpdatesEntry entry in entries.Values.Where(e => e.OwnedByDriver && !modules.ContainsKey(e.Name)).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                changes.Add(new LinkChange { Kernel = catalog.Release, Updates = hostUpdates, Name = entry.Name, OldTarget = entry.LinkTarget });
            }

            kernels.Add(catalog.Release);
            if (changes.Count == before)
            {
                kernels.RemoveAt(kernels.Count - 1);
            }
        }

        if (kernels.Count == 0 && changes.Count == 0 && !_catalogs.Any(c => c.RealDmvDirectory is not null && Directory.Exists(c.RealDmvDirectory + "/" + driver + "/" + variant)))
        {
            failure = KnowsDriver(driver)
                ? new Failure(Errno.ENOENT, $"driver '{driver}' has no variant '{variant}' in any kernel")
                : new Failure(Errno.ENOENT, $"unknown driver '{driver}'");
            return false;
        }

        failure = null;
        plan = new SwitchPlan(NewJournal("select", driver, variant, changes), kernels, movedAside);
        return true;
    }

    /// <param name="evenIfUnknown">Also for a driver whose dmv/ folders are all gone, whose links now dangle (reconcile after a package removal).</param>
    public bool TryPlanDeselect(string driver, out SwitchPlan? plan, out Failure? failure, bool evenIfUnknown = false)
    {
        plan = null;
        if (!evenIfUnknown && !KnowsDriver(driver))
        {
            failure = new Failure(Errno.ENOENT, $"unknown driver '{driver}'");
            return false;
        }

        var changes = new List<LinkChange>();
        var kernels = new List<string>();
        foreach (KernelCatalog catalog in _catalogs)
        {
            if (!TryReadUpdates(catalog, driver, out string hostUpdates, out Dictionary<string, UpdatesEntry> entries, out failure))
            {
                return false;
            }

            int before = changes.Count;
            foreach (UpdatesEntry entry in entries.Values.Where(e => e.OwnedByDriver).OrderBy(e => e.Name, StringComparer.Ordinal))
            {
                changes.Add(new LinkChange { Kernel = catalog.Release, Updates = hostUpdates, Name = entry.Name, OldTarget = entry.LinkTarget });
            }

            if (changes.Count > before)
            {
                kernels.Add(catalog.Release);
            }
        }

        failure = null;
        plan = new SwitchPlan(NewJournal("deselect", driver, null, changes), kernels, []);
        return true;
    }

    /// <summary>
    /// The variant the driver's links name by their text, even dangling ones (a package upgrade may
    /// have moved the files): the one variant they all name, or null.
    /// </summary>
    public string? VariantNamedByLinks(string driver)
    {
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (KernelCatalog catalog in _catalogs)
        {
            if (!TryReadUpdates(catalog, driver, out string hostUpdates, out Dictionary<string, UpdatesEntry> entries, out _))
            {
                continue;
            }

            foreach (UpdatesEntry entry in entries.Values.Where(e => e.OwnedByDriver && e.LinkTarget is not null))
            {
                string[] parts = LexicalTarget(hostUpdates, entry.LinkTarget!).Split('/');
                int dmv = Array.IndexOf(parts, "dmv");
                if (dmv >= 0 && parts.Length > dmv + 2 && parts[dmv + 1] == driver)
                {
                    named.Add(parts[dmv + 2]);
                }
            }
        }

        return named.Count == 1 ? named.Single() : null;
    }

    /// <summary>
    /// Reads a kernel's updates/ and sorts out which entries are the driver's own links: those whose
    /// target lies (or, when dangling, would lie) inside a dmv/DRIVER/ folder.
    /// </summary>
    private bool TryReadUpdates(KernelCatalog catalog, string driver, out string hostUpdates, out Dictionary<string, UpdatesEntry> entries, out Failure? failure)
    {
        entries = new Dictionary<string, UpdatesEntry>(StringComparer.Ordinal);
        failure = null;
        string hostKernel = _root.HostPathOf(catalog.RealKernelDirectory);

        // The journal names the folder as the system does, /lib/modules/K/updates: recovery opens it
        // inside the root by descriptor, and a journal naming any other folder is not obeyed.
        hostUpdates = $"{InstalledKernels.ModulesDirectory}/{catalog.Release}/updates";
        PathResolution updates = _root.ResolveFrom(hostKernel, "updates");
        if (!updates.Succeeded)
        {
            if (updates.Errno == Errno.ENOENT)
            {
                return true;
            }

            failure = new Failure(updates.Errno, updates.Reason ?? Errno.Describe(updates.Errno));
            return false;
        }

        string resolvedUpdates = _root.HostPathOf(updates.RealPath!);
        var listed = new List<DirectoryEntry>();
        if (!_folders.TryGet(hostUpdates, create: false, out DirectoryHandle folder, out int errno, out string reason))
        {
            failure = new Failure(errno, reason);
            return false;
        }

        if (!folder.TryListFromStart(listed, new byte[16384], out errno))
        {
            failure = new Failure(errno, $"{updates.RealPath}: {Errno.Describe(errno)}");
            return false;
        }

        string ownedPrefix = _root.HostPathOf(catalog.RealKernelDirectory) + "/dmv/" + driver + "/";
        var dmvFolders = _catalogs.Where(c => c.RealDmvDirectory is not null).Select(c => c.RealDmvDirectory + "/" + driver + "/").ToList();
        foreach (DirectoryEntry entry in listed)
        {
            if (!entry.NameIsValid)
            {
                continue;
            }

            if (entry.Kind != EntryKind.Link)
            {
                entries[entry.Name] = new UpdatesEntry(entry.Name, false, null, entry.Kind switch { EntryKind.Directory => "a folder", EntryKind.Special => "a FIFO, socket or device", _ => "a regular file" });
                continue;
            }

            if (!folder.TryReadLink(entry.Name, out string target, out _))
            {
                continue;
            }

            PathResolution resolved = _root.ResolveFrom(resolvedUpdates, entry.Name);
            // A link whose target is gone is judged by its text: it is the driver's if it points into dmv/DRIVER/.
            bool owned = resolved.Succeeded
                ? dmvFolders.Any(folder => resolved.RealPath!.StartsWith(folder, StringComparison.Ordinal))
                : LexicalTarget(resolvedUpdates, target).StartsWith(ownedPrefix, StringComparison.Ordinal);
            entries[entry.Name] = new UpdatesEntry(entry.Name, owned, target, $"a link to {target}");
        }

        return true;
    }

    /// <summary>Where a dangling link's target would be, by text alone.</summary>
    private static string LexicalTarget(string hostDirectory, string target)
    {
        string combined = target.StartsWith('/') ? target : hostDirectory + "/" + target;
        var parts = new List<string>();
        foreach (string part in combined.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return "/" + string.Join('/', parts);
    }

    private SwitchJournal NewJournal(string operation, string driver, string? variant, List<LinkChange> changes) => new()
    {
        Id = _id,
        State = SwitchJournal.Prepared,
        Operation = operation,
        Driver = driver,
        Variant = variant,
        Changes = changes,
    };
}
