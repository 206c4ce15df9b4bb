using Dmv.Core.FileSystem;

namespace Dmv.Core.Modules;

/// <summary>Finds a module by name in a kernel's module folder: modules.dep first (what modprobe uses), then a walk.</summary>
public static class ModuleLocator
{
    public static bool TryFind(HostRoot root, string kernel, string name, out string realPath, out string reason)
    {
        realPath = "";
        string wanted = ModuleName.KernelName(name);
        PathResolution modules = root.Resolve("/lib/modules/" + kernel);
        if (!modules.Succeeded)
        {
            reason = $"kernel {kernel}: {modules.Reason}";
            return false;
        }

        byte[] buffer = new byte[64 * 1024];
        if (FileContent.TryRead(modules.RealPath + "/modules.dep", 64 << 20, ref buffer, out int length, out _, out _))
        {
            foreach (string line in System.Text.Encoding.UTF8.GetString(buffer, 0, length).Split('\n'))
            {
                int colon = line.IndexOf(':');
                if (colon > 0 && ModuleName.KernelName(line[..colon]) == wanted)
                {
                    string path = line[..colon];
                    PathResolution found = path.StartsWith('/') ? root.Resolve(path) : root.ResolveFrom(root.HostPathOf(modules.RealPath!), path);
                    if (found.Succeeded)
                    {
                        realPath = found.RealPath!;
                        reason = "";
                        return true;
                    }
                }
            }
        }

        foreach (string file in ModuleFiles.Under(modules.RealPath!, new HashSet<string>(StringComparer.Ordinal) { "dmv" }))
        {
            // A link found by the walk is followed inside the root, never by the kernel from the path.
            PathResolution resolved = ModuleName.KernelName(file) == wanted ? root.Resolve(root.HostPathOf(file)) : default;
            if (resolved.Succeeded)
            {
                realPath = resolved.RealPath!;
                reason = "";
                return true;
            }
        }

        reason = $"module {name} not found in kernel {kernel}";
        return false;
    }
}
