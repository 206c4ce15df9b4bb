using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Kernels;

/// <summary>
/// The kernel releases under <c>/lib/modules</c>, in the order driver-tool consults them: the
/// running kernel first, then the others newest first. (xcp.dmv used directory order, which made
/// "first kernel wins" random.)
/// </summary>
public static class InstalledKernels
{
    public const string ModulesDirectory = "/lib/modules";

    /// <summary>A release and the resolved real path of its module folder.</summary>
    public readonly record struct KernelDirectory(string Release, string RealPath);

    public static List<KernelDirectory> List(HostRoot root, string? runningRelease, DiagnosticLog log)
    {
        var kernels = new List<KernelDirectory>();
        PathResolution modules = root.Resolve(ModulesDirectory);
        if (!modules.Succeeded)
        {
            log.Warn(root.RealPathOf(ModulesDirectory), modules.Reason ?? Errno.Describe(modules.Errno));
            return kernels;
        }

        var entries = new List<DirectoryEntry>();
        if (!DirectoryReader.TryList(modules.RealPath!, entries, out _, out string reason))
        {
            log.Warn(modules.RealPath!, reason);
            return kernels;
        }

        string hostModules = root.HostPathOf(modules.RealPath!);
        foreach (DirectoryEntry entry in entries)
        {
            string path = modules.RealPath + "/" + entry.Name;
            if (!entry.IsUsable(modules.RealPath, log))
            {
                continue;
            }

            if (KernelRelease.Problem(entry.Name) is { } problem)
            {
                log.Warn(path, problem + "; skipped");
                continue;
            }

            if (entry.Kind == EntryKind.Directory)
            {
                kernels.Add(new KernelDirectory(entry.Name, path));
            }
            else if (entry.Kind == EntryKind.Link)
            {
                PathResolution target = root.ResolveFrom(hostModules, entry.Name);
                if (!target.Succeeded)
                {
                    log.Warn(path, target.Reason ?? Errno.Describe(target.Errno));
                }
                else if (FileStatus.Of(target.RealPath!, out FileStatus status) == 0 && status.Kind == EntryKind.Directory)
                {
                    kernels.Add(new KernelDirectory(entry.Name, target.RealPath!));
                }
            }
        }

        kernels.Sort((a, b) => CompareBootOrder(a.Release, b.Release, runningRelease));
        return kernels;
    }

    /// <summary>The running kernel first, then newest first.</summary>
    public static int CompareBootOrder(string left, string right, string? runningRelease)
    {
        if (runningRelease is not null)
        {
            bool leftRunning = left == runningRelease, rightRunning = right == runningRelease;
            if (leftRunning != rightRunning)
            {
                return leftRunning ? -1 : 1;
            }
        }

        return KernelVersionComparer.Instance.Compare(right, left);
    }
}
