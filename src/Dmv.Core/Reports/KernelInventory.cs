using System.Globalization;
using Dmv.Core.Catalog;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Kabi;
using Dmv.Core.Listing;
using Dmv.Core.Modules;
using Dmv.Core.Kernels;
using Dmv.Core.Links;

namespace Dmv.Core.Reports;

/// <summary>
/// Every kernel release installed under the root — from /lib/modules and from /boot/vmlinuz-* —
/// with its image, modules, DMV catalog and selection, configuration (and from it the Xen guest
/// type), exported-symbol list and module signing settings. Each kernel's problems are its own.
/// </summary>
internal static class KernelInventory
{
    private const int MaxConfigBytes = 16 << 20;

    public static List<KernelReport> Read(HostRoot root, string? runningRelease, string? onlyRelease, DiagnosticLog log)
    {
        List<InstalledKernels.KernelDirectory> directories = InstalledKernels.List(root, runningRelease, new DiagnosticLog());
        var releases = new SortedSet<string>(directories.Select(d => d.Release), StringComparer.Ordinal);
        foreach (string image in Images(root))
        {
            releases.Add(image);
        }

        var ordered = releases.Where(r => onlyRelease is null || r == onlyRelease).ToList();
        ordered.Sort((a, b) => InstalledKernels.CompareBootOrder(a, b, runningRelease));
        HostCatalogs host = HostCatalogs.Read(root, directories.Where(d => ordered.Contains(d.Release)).ToList(), log);
        using var codecs = new NativeCodecs();
        var reports = new List<KernelReport>();
        foreach (string release in ordered)
        {
            int found = directories.FindIndex(d => d.Release == release);
            InstalledKernels.KernelDirectory? directory = found < 0 ? null : directories[found];
            KernelCatalog? catalog = host.Catalogs.FirstOrDefault(c => c.Release == release);
            var selected = new SortedDictionary<string, string>(StringComparer.Ordinal);
            if (catalog is not null)
            {
                KernelSelection selection = host.SelectionOf(catalog, log);
                foreach ((string driver, SelectedVariant variant) in selection.ByDriver)
                {
                    selected[driver] = variant.Variant.Info.Variant;
                }
            }

            string? image = root.TryStatus($"/boot/vmlinuz-{release}", out _, out _) ? $"/boot/vmlinuz-{release}" : null;
            KernelConfig? config = FindConfig(root, release, release == runningRelease, image, codecs, out List<string> problems);
            reports.Add(new KernelReport(
                release,
                release == runningRelease,
                image,
                directory is null ? null : root.HostPathOf(directory.Value.RealPath),
                directory is null ? 0 : CountModules(root, root.HostPathOf(directory.Value.RealPath)),
                catalog?.Variants.Select(host.Groups.NameOf).Distinct().Count ?? 0,
                catalog?.Variants.Count ?? 0,
                selected,
                config,
                [.. problems, .. config?.Problems ?? []],
                XenGuestType.From(config),
                KernelSymbols.Locations.Select(p => string.Format(CultureInfo.InvariantCulture, p, release)).FirstOrDefault(p => root.TryStatus(p, out _, out _))));
        }

        return reports;
    }

    /// <summary>The first configuration found: /boot/config-K, /lib/modules/K/config, /lib/modules/K/build/.config, /proc/config.gz (running kernel), the image.</summary>
    public static KernelConfig? FindConfig(HostRoot root, string release, bool running, string? image, NativeCodecs codecs, out List<string> problems)
    {
        problems = new List<string>();
        byte[] text = [];
        foreach (string path in new[] { $"/boot/config-{release}", $"/lib/modules/{release}/config", $"/lib/modules/{release}/build/.config" })
        {
            if (TryReadBytes(root, path, gzip: false, problems, ref text, out int length))
            {
                return KernelConfig.ParseReported(path, text.AsSpan(0, length));
            }
        }

        if (running && root.IsSystemRoot && TryReadBytes(root, "/proc/config.gz", gzip: true, problems, ref text, out int procLength))
        {
            return KernelConfig.ParseReported("/proc/config.gz", text.AsSpan(0, procLength));
        }

        if (image is not null)
        {
            byte[] buffer = [];
            if (root.TryReadFile(image, KernelImage.MaxBytes, ref buffer, out int length, out Failure? failure))
            {
                string? embedded = KernelImage.FindConfig(buffer.AsSpan(0, length), codecs, out string? why);
                if (embedded is not null)
                {
                    return KernelConfig.ParseReported("image:" + image, embedded);
                }

                problems.Add($"{image}: {why}");
            }
            else if (failure.Errno != Errno.ENOENT)
            {
                problems.Add($"{image}: {failure.DetailAt(root.RealPathOf(image))}");
            }
        }

        return null;
    }

    private static bool TryReadBytes(HostRoot root, string hostPath, bool gzip, List<string> problems, ref byte[] buffer, out int length)
    {
        if (!root.TryReadFile(hostPath, MaxConfigBytes, ref buffer, out length, out Failure? failure, toEnd: gzip))
        {
            if (failure.Errno != Errno.ENOENT)
            {
                problems.Add($"{hostPath}: {failure.DetailAt(root.RealPathOf(hostPath))}");
            }

            return false;
        }

        if (gzip)
        {
            if (!NativeCodecs.TryGunzip(buffer.AsSpan(0, length), out byte[] text, out string reason))
            {
                problems.Add($"{hostPath}: {reason}");
                return false;
            }

            buffer = text;
            length = text.Length;
        }

        return true;
    }

    private static IEnumerable<string> Images(HostRoot root)
    {
        var entries = new List<DirectoryEntry>();
        if (root.TryList("/boot", entries, out _))
        {
            foreach (DirectoryEntry entry in entries)
            {
                if (entry.NameIsValid && entry.Name.StartsWith("vmlinuz-", StringComparison.Ordinal) && entry.Name.Length > 8)
                {
                    yield return entry.Name[8..];
                }
            }
        }
    }

    /// <summary>modules.dep lists every module of the kernel; without it, the module files are counted (dmv/ and updates/ excepted).</summary>
    private static int CountModules(HostRoot root, string hostDirectory)
    {
        byte[] buffer = [];
        if (root.TryReadFile(hostDirectory + "/modules.dep", 64 << 20, ref buffer, out int length, out _))
        {
            return buffer.AsSpan(0, length).Count((byte)':');
        }

        return ModuleFiles.Under(root, hostDirectory, new HashSet<string>(StringComparer.Ordinal) { "dmv", "updates" }).Count;
    }
}
