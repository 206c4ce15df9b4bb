using Dmv.Core.Diagnostics;
using Dmv.Core.Catalog;
using Dmv.Core.FileSystem;
using Dmv.Core.Kernels;

namespace Dmv.Core.Links;

/// <summary>
/// The one reader of a kernel's <c>updates/</c>, for the listing, switches and verify alike: the
/// folder opened inside the root by descriptor (a switch's through the very descriptor it then
/// writes through), each entry with its kind, and each link with its target text and where that
/// leads inside the root. Whose a link is, is <see cref="LinkOwnership"/>'s to say.
/// </summary>
internal sealed class UpdatesFolder
{
    public const string Name = "updates";

    private UpdatesFolder(string hostPath, string realPath, bool isLink, List<UpdatesItem> items)
    {
        HostPath = hostPath;
        RealPath = realPath;
        IsLink = isLink;
        Items = items;
    }

    /// <summary>/lib/modules/K/updates, as the system names it (and journals name it).</summary>
    public string HostPath { get; }

    /// <summary>Where the folder really is, for messages and for resolving its links.</summary>
    public string RealPath { get; }

    /// <summary>updates/ is itself a link: a switch does not write through it (its relative targets would be wrong there).</summary>
    public bool IsLink { get; }

    /// <summary>The entries with a valid name, in name order.</summary>
    public IReadOnlyList<UpdatesItem> Items { get; }

    /// <summary>The host path the folder resolves to (where its links' relative targets start).</summary>
    public string ResolvedHostPath(HostRoot root) => root.HostPathOf(RealPath);

    private static bool IsDanglingLink(HostRoot root, KernelCatalog kernel)
    {
        if (!root.TryOpenDirectory(root.HostPathOf(kernel.RealKernelDirectory), create: false, out DirectoryHandle folder, out _))
        {
            return false;
        }

        using (folder)
        {
            return folder.Status(Name, out FileStatus status) == 0 && status.Kind == EntryKind.Link;
        }
    }

    /// <summary>
    /// Reads the kernel's updates/. A missing folder is an empty one (true, no items). With
    /// <paramref name="folders"/>, the folder is opened (and kept open) there, for the writes that follow.
    /// </summary>
    /// <param name="unusable">Called for each entry whose name is not UTF-8 (it cannot be named in a reply or opened by name).</param>
    /// <param name="withTargets">Read each link's target text too (switches and verify); the listing needs only where links lead.</param>
    /// <param name="failure">Why the folder could not be read (ENOENT, with true, when it is missing).</param>
    public static bool TryRead(HostRoot root, KernelCatalog kernel, OpenFolders? folders, out UpdatesFolder updates, [NotNullWhen(false)] out Failure? failure, Action<string>? unusable = null, bool withTargets = true)
    {
        string hostPath = $"{InstalledKernels.ModulesDirectory}/{kernel.Release}/{Name}";
        string plainPath = kernel.RealKernelDirectory + "/" + Name;
        updates = new UpdatesFolder(hostPath, plainPath, false, []);
        PathResolution resolved = root.ResolveFrom(root.HostPathOf(kernel.RealKernelDirectory), Name);
        if (!resolved.Succeeded)
        {
            failure = resolved.Failure;
            if (failure.Errno == Errno.ENOENT && IsDanglingLink(root, kernel))
            {
                // A link to a folder that is not there: a switch must not make the folders it names.
                updates = new UpdatesFolder(hostPath, plainPath, true, []);
            }

            return failure.Errno == Errno.ENOENT;
        }

        DirectoryHandle folder;
        _ = folders is not null
            ? folders.TryGet(hostPath, create: false, out folder, out failure)
            : root.TryOpenDirectory(hostPath, create: false, out folder, out failure);
        if (failure is not null)
        {
            return failure.Errno == Errno.ENOENT;
        }

        var listed = new List<DirectoryEntry>();
        try
        {
            // A folder kept open for a whole command is listed more than once: from its first entry each time.
            if (!(folders is null ? folder.TryList(listed, new byte[16384], out int errno) : folder.TryListFromStart(listed, new byte[16384], out errno)))
            {
                failure = Failure.At(errno, resolved.RealPath, Errno.Describe(errno));
                return false;
            }

            listed.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            string resolvedHost = root.HostPathOf(resolved.RealPath);
            var items = new List<UpdatesItem>(listed.Count);
            foreach (DirectoryEntry entry in listed)
            {
                if (!entry.NameIsValid)
                {
                    unusable?.Invoke(entry.Name);
                    continue;
                }

                if (entry.Kind != EntryKind.Link)
                {
                    items.Add(new UpdatesItem(entry.Name, entry.Kind, null, default));
                    continue;
                }

                // A link read through the folder's descriptor; where it leads is resolved inside the root.
                string? target = null;
                if (withTargets && !folder.TryReadLink(entry.Name, out target, out _))
                {
                    continue;
                }

                items.Add(new UpdatesItem(entry.Name, EntryKind.Link, target, root.ResolveFrom(resolvedHost, entry.Name)));
            }

            updates = new UpdatesFolder(hostPath, resolved.RealPath, resolved.RealPath != plainPath, items);
            return true;
        }
        finally
        {
            if (folders is null)
            {
                folder.Dispose();
            }
        }
    }
}

/// <summary>An entry of updates/: its name and kind, and for a link its target text and where it leads (inside the root).</summary>
internal sealed record UpdatesItem(string Name, EntryKind Kind, string? Target, PathResolution Resolved)
{
    /// <summary>"a link to …", "a regular file" …: what stands there, for messages.</summary>
    public string Description => Kind switch
    {
        EntryKind.Link => $"a link to {Target}",
        EntryKind.Directory => "a folder",
        EntryKind.Special => "a FIFO, socket or device",
        _ => "a regular file",
    };
}
