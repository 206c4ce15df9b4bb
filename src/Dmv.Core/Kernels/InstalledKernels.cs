using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Kernels;

/// <summary>
/// The kernel releases under <c>/lib/modules</c>, in the order driver-tool consults them: the
/// running kernel first, then the others newest first. (xcp.dmv used directory order, which made
/// "first kernel wins" random.)
/// </summary>
internal static class InstalledKernels
{
    public const string ModulesDirectory = "/lib/modules";

    /// <summary>A release and the resolved real path of its module folder.</summary>
    public readonly record struct KernelDirectory(string Release, string RealPath);

    public static List<KernelDirectory> List(HostRoot root, string? runningRelease, DiagnosticLog log)
    {
        var kernels = new List<KernelDirectory>();
        var entries = new List<DirectoryEntry>();
        if (!root.TryList(ModulesDirectory, entries, out Failure? failure))
        {
            log.Warn(root.RealPathOf(ModulesDirectory), failure.DetailAt(root.RealPathOf(ModulesDirectory)));
            return kernels;
        }

        PathResolution modules = root.Resolve(ModulesDirectory);
        string realModules = modules.RealPath ?? root.RealPathOf(ModulesDirectory);
        foreach (DirectoryEntry entry in entries)
        {
            string path = realModules + "/" + entry.Name;
            if (!entry.IsUsable(realModules, log))
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
                string hostKernel = ModulesDirectory + "/" + entry.Name;
                PathResolution target = root.Resolve(hostKernel);
                bool found = root.TryStatus(hostKernel, out FileStatus status, out failure);
                if (!target.Succeeded)
                {
                    log.Warn(path, target.Failure.Message);
                }
                else if (!found)
                {
                    log.Warn(path, failure!.DetailAt(root.RealPathOf(hostKernel)));
                }
                else if (status.Kind == EntryKind.Directory)
                {
                    kernels.Add(new KernelDirectory(entry.Name, target.RealPath));
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
