using CommunityToolkit.HighPerformance.Buffers;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Catalog;

/// <summary>
/// Finds every info.json under a kernel's dmv/ folder and parses each. The walk is recursive like
/// os.walk, but over open folders (one name looked up per call) and, like os.walk, never through
/// a linked folder, so a link loop cannot trap it. A file that cannot be read or parsed is
/// reported and left out; the walk goes on. The top of dmv/ is read first
/// (<see cref="OpenKernel"/>); each folder below it is a separate piece of work
/// (<see cref="ScanFolder"/>) so that one kernel's catalog can be read on several cores.
/// </summary>
internal static class CatalogScanner
{
    public const string InfoFileName = "info.json";
    private const int MaxInfoFileBytes = 1 << 20;
    private const int MaxDepth = 64;

    /// <summary>What one piece of the walk found: variants in path order, and folders whose info.json was rejected.</summary>
    public sealed record Findings(List<CatalogVariant> Variants, List<string> Rejected);

    /// <summary>Opens dmv/ of one kernel and reads its top level; the caller disposes the plan.</summary>
    public static KernelScanPlan OpenKernel(HostRoot root, string release, string realKernelDirectory, StringPool strings, ScanScratch scratch, DiagnosticLog log)
    {
        string hostDmv = root.HostPathOf(realKernelDirectory) + "/dmv";
        if (!root.TryOpenDirectory(hostDmv, create: false, out DirectoryHandle handle, out Failure? failure))
        {
            if (failure.Errno is not (Errno.ENOENT or Errno.ENOTDIR))
            {
                log.Warn(root.RealPathOf(hostDmv), failure.DetailAt(root.RealPathOf(hostDmv)));
            }

            return KernelScanPlan.Empty(release, realKernelDirectory);
        }

        var walk = new Walk(root, release, handle.RealPath, strings, scratch, log);
        var folders = new List<string>();
        walk.VisitTop(handle, folders);
        return new KernelScanPlan(release, realKernelDirectory, handle, folders, new Findings(walk.Variants, walk.Rejected));
    }

    /// <summary>Walks one folder directly below dmv/ and everything under it.</summary>
    public static Findings ScanFolder(KernelScanPlan plan, string folder, HostRoot root, StringPool strings, ScanScratch scratch, DiagnosticLog log)
    {
        var walk = new Walk(root, plan.Release, plan.RealDmvDirectory!, strings, scratch, log);
        walk.VisitChild(plan.Dmv, folder, 1);
        return new Findings(walk.Variants, walk.Rejected);
    }

    /// <summary>A catalog walk needs folders, info.json, and names it must warn about; module files and the rest cost no string.</summary>
    private static readonly EntryFilter WalkedEntries = static (name, kind) =>
        kind == EntryKind.Directory || name.SequenceEqual("info.json"u8) || !System.Text.Unicode.Utf8.IsValid(name);

    private sealed class Walk(HostRoot root, string release, string dmvPath, StringPool strings, ScanScratch scratch, DiagnosticLog log)
    {
        public List<CatalogVariant> Variants { get; } = new();

        public List<string> Rejected { get; } = new();

        /// <summary>The top of dmv/: its own info.json, if any, now; its folders are returned for later.</summary>
        public void VisitTop(DirectoryHandle directory, List<string> folders) => Visit(directory, 0, folders);

        public void VisitChild(DirectoryHandle parent, string name, int depth)
        {
            string path = parent.RealPath + "/" + name;
            if (depth > MaxDepth)
            {
                log.Warn(path, $"more than {MaxDepth} folders deep; not searched");
                return;
            }

            if (!parent.TryOpenChild(name, path, out DirectoryHandle child, out int errno))
            {
                log.Warn(path, Errno.Describe(errno));
                return;
            }

            using (child)
            {
                Visit(child, depth, deferred: null);
            }
        }

        private void Visit(DirectoryHandle directory, int depth, List<string>? deferred)
        {
            root.RememberDirectory(directory.RealPath);
            List<DirectoryEntry> entries = scratch.RentList();
            try
            {
                if (!directory.TryList(entries, scratch.DirectoryBuffer, out int errno, WalkedEntries))
                {
                    log.Warn(directory.RealPath, Errno.Describe(errno));
                    return;
                }

                entries.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
                foreach (DirectoryEntry entry in entries)
                {
                    if (entry.IsUsable(directory.RealPath, log) && entry.Name == InfoFileName && entry.Kind != EntryKind.Directory)
                    {
                        ReadVariant(directory, entry);
                    }
                }

                foreach (DirectoryEntry entry in entries)
                {
                    if (entry.Kind != EntryKind.Directory || !entry.NameIsValid)
                    {
                        continue;
                    }

                    if (deferred is not null)
                    {
                        deferred.Add(entry.Name);
                    }
                    else
                    {
                        VisitChild(directory, entry.Name, depth + 1);
                    }
                }
            }
            finally
            {
                scratch.ReturnList(entries);
            }
        }

        private void ReadVariant(DirectoryHandle directory, DirectoryEntry entry)
        {
            byte[] buffer = scratch.FileBuffer;
            bool read;
            int length, errno;
            if (entry.Kind == EntryKind.Special)
            {
                // Never opened: opening a device can act (a watchdog starts), a FIFO waits for a writer.
                Reject(directory.RealPath, $"{entry.Name} is a FIFO, socket or device, not a file");
                return;
            }

            if (entry.Kind == EntryKind.Link)
            {
                // Followed inside the root, by descriptor, and opened only if it leads to a regular file.
                string hostInfo = root.HostPathOf(directory.RealPath) + "/" + entry.Name;
                read = root.TryReadFile(hostInfo, MaxInfoFileBytes, ref buffer, out length, out Failure? failure);
                if (failure is not null)
                {
                    scratch.FileBuffer = buffer;
                    Reject(directory.RealPath, failure.Errno == Errno.EFBIG ? $"larger than {MaxInfoFileBytes} bytes" : failure.DetailAt(root.RealPathOf(hostInfo)));
                    return;
                }

                errno = 0;
            }
            else
            {
                read = directory.TryReadFile(entry.Name, MaxInfoFileBytes, ref buffer, out length, out errno, regularFile: true);
            }

            scratch.FileBuffer = buffer;
            if (!read)
            {
                Reject(directory.RealPath, errno == Errno.EFBIG ? $"larger than {MaxInfoFileBytes} bytes" : Errno.Describe(errno));
                return;
            }

            if (!InfoJsonParser.TryParse(buffer.AsSpan(0, length), strings, out VariantInfo? info, out string reason))
            {
                Reject(directory.RealPath, reason);
                return;
            }

            string folder = directory.RealPath.Length > dmvPath.Length ? directory.RealPath[(dmvPath.Length + 1)..] : "";
            Variants.Add(new CatalogVariant(release, directory.RealPath, folder, info));
        }

        private void Reject(string directory, string reason)
        {
            log.Warn(directory + "/" + InfoFileName, reason);
            Rejected.Add(directory);
        }
    }
}
