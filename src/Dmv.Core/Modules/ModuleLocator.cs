using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Modules;

/// <summary>Finds a module by name in a kernel's module folder: modules.dep first (what modprobe uses), then a walk.</summary>
internal static class ModuleLocator
{
    /// <param name="hostPath">The module's path as the managed system names it (opened through the root by the caller).</param>
    public static bool TryFind(HostRoot root, string kernel, string name, out string hostPath, out string reason)
    {
        hostPath = "";
        string wanted = ModuleName.KernelName(name);
        string hostKernel = "/lib/modules/" + kernel;
        if (!root.TryStatus(hostKernel, out FileStatus folder, out Failure? failure) || folder.Kind != EntryKind.Directory)
        {
            reason = $"kernel {kernel}: {failure?.Message ?? $"{root.RealPathOf(hostKernel)}: not a folder"}";
            return false;
        }

        byte[] buffer = new byte[64 * 1024];
        if (root.TryReadFile(hostKernel + "/modules.dep", 64 << 20, ref buffer, out int length, out _))
        {
            foreach (string line in System.Text.Encoding.UTF8.GetString(buffer, 0, length).Split('\n'))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && ModuleName.KernelName(line[..colon]) == wanted)
                {
                    string path = line[..colon];
                    string candidate = path.StartsWith('/') ? path : hostKernel + "/" + path;
                    if (root.TryStatus(candidate, out FileStatus status, out _) && status.IsRegular)
                    {
                        hostPath = candidate;
                        reason = "";
                        return true;
                    }
                }
            }
        }

        foreach (string file in ModuleFiles.Under(root, hostKernel, new HashSet<string>(StringComparer.Ordinal) { "dmv" }))
        {
            if (ModuleName.KernelName(file) == wanted && root.TryStatus(file, out FileStatus status, out _) && status.IsRegular)
            {
                hostPath = file;
                reason = "";
                return true;
            }
        }

        reason = $"module {name} not found in kernel {kernel}";
        return false;
    }
}
