using CommunityToolkit.HighPerformance.Buffers;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Catalog;

/// <summary>
/// Finds every info.json under one kernel's dmv/ folder (a recursive walk that, like os.walk,
/// does not descend through linked folders, so a link loop cannot trap it) and parses each.
/// A file that cannot be read or parsed is reported and left out; the walk goes on.
/// </summary>
public static class CatalogScanner
{
    public const string InfoFileName = "info.json";
    private const int MaxInfoFileBytes = 1 << 20;

    public static KernelCatalog Scan(HostRoot root, string release, string realKernelDirectory, StringPool strings, ScanScratch scratch, DiagnosticLog log)
    {
        var variants = new List<CatalogVariant>();
        string dmvPath = realKernelDirectory + "/dmv";
        PathResolution dmv = root.ResolveFrom(root.HostPathOf(realKernelDirectory), "dmv");
        if (!dmv.Succeeded)
        {
            if (dmv.Errno != Errno.ENOENT)
            {
                log.Warn(dmvPath, dmv.Reason ?? Errno.Describe(dmv.Errno));
            }

            return new KernelCatalog(release, realKernelDirectory, null, variants);
        }

        string realDmv = dmv.RealPath!;
        var rejected = new List<string>();
        Stack<string> pending = scratch.PendingDirectories;
        List<DirectoryEntry> entries = scratch.Entries;
        pending.Clear();
        pending.Push(realDmv);
        while (pending.Count > 0)
        {
            string directory = pending.Pop();
            entries.Clear();
            if (!DirectoryReader.TryList(directory, entries, out int errno, out string reason))
            {
                if (!(errno == Errno.ENOTDIR && directory == realDmv))
                {
                    log.Warn(directory, reason);
                }

                continue;
            }

            entries.Sort(static (a, b) => string.CompareOrdinal(b.Name, a.Name));
            foreach (DirectoryEntry entry in entries)
            {
                if (!entry.NameIsValid)
                {
                    log.Warn(directory + "/" + entry.Name, "name is not valid UTF-8; skipped");
                    continue;
                }

                if (entry.Kind == EntryKind.Directory)
                {
                    pending.Push(directory + "/" + entry.Name);
                }
                else if (entry.Name == InfoFileName)
                {
                    CatalogVariant? variant = ReadVariant(root, release, directory, entry, strings, scratch, log);
                    if (variant is not null)
                    {
                        variants.Add(variant);
                    }
                    else
                    {
                        rejected.Add(directory);
                    }
                }
            }
        }

        return new KernelCatalog(release, realKernelDirectory, realDmv, variants, rejected);
    }

    private static CatalogVariant? ReadVariant(HostRoot root, string release, string directory, DirectoryEntry entry, StringPool strings, ScanScratch scratch, DiagnosticLog log)
    {
        string infoPath = directory + "/" + entry.Name;
        string readPath = infoPath;
        if (entry.Kind == EntryKind.Link)
        {
            PathResolution target = root.ResolveFrom(root.HostPathOf(directory), entry.Name);
            if (!target.Succeeded)
            {
                log.Warn(infoPath, target.Reason ?? Errno.Describe(target.Errno));
                return null;
            }

            readPath = target.RealPath!;
        }

        byte[] buffer = scratch.FileBuffer;
        bool read = FileContent.TryRead(readPath, MaxInfoFileBytes, ref buffer, out int length, out _, out string reason);
        scratch.FileBuffer = buffer;
        if (!read)
        {
            log.Warn(infoPath, reason);
            return null;
        }

        if (!InfoJsonParser.TryParse(buffer.AsSpan(0, length), strings, out VariantInfo? info, out reason))
        {
            log.Warn(infoPath, reason);
            return null;
        }

        return new CatalogVariant(release, infoPath, directory, info!);
    }
}
