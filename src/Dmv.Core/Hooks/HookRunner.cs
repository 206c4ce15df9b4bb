using Dmv.Core.FileSystem;

namespace Dmv.Core.Hooks;

/// <summary>
/// After a switch, for each kernel it changed: <c>depmod -a K</c> (with <c>-b ROOT</c> under --root),
/// <c>weak-modules</c> where the system has it, and the initrd rebuilt with <c>dracut</c> where the system has
/// it. A missing tool is reported as skipped; a failing one with its output. The links are already in
/// place and stay so whatever a hook does.
/// </summary>
public static class HookRunner
{
    public static List<HookResult> Run(HostRoot root, IReadOnlyList<string> kernels, IReadOnlyDictionary<string, IReadOnlyList<string>> addedModules, HookOptions options)
    {
        var results = new List<HookResult>();
        foreach (string kernel in kernels)
        {
            if (options.Skip)
            {
                results.Add(new HookResult(kernel, "all", HookStatus.Skipped, null, "--no-hooks"));
                continue;
            }

            // Handed to depmod and dracut as an argument: a name like "-v" or "--basedir=." would be an option.
            if (Kernels.KernelRelease.Problem(kernel) is { } problem)
            {
                results.Add(new HookResult(kernel, "all", HookStatus.Failed, null, problem));
                continue;
            }

            IReadOnlyList<string> added = addedModules.GetValueOrDefault(kernel) ?? [];
            results.Add(Depmod(root, kernel, added.Select(static m => m[(m.LastIndexOf('/') + 1)..]).ToList(), options));
            results.Add(WeakModules(root, kernel, added, options));
            results.Add(Dracut(root, kernel, options));
        }

        return results;
    }

    /// <summary>depmod for one kernel (see <see cref="Run"/>), judged against the links a switch wrote there.</summary>
    public static HookResult Depmod(HostRoot root, string kernel, IReadOnlyCollection<string> ownLinks, HookOptions options)
    {
        string? depmod = ToolLocator.Find("depmod", options.SearchPath);
        if (depmod is null)
        {
            return new HookResult(kernel, "depmod", HookStatus.Skipped, null, "depmod not found in " + string.Join(':', options.SearchPath));
        }

        // depmod -b ROOT resolves paths itself, on this machine: a link on the way to the kernel's
        // folder (lib, lib/modules, lib/modules/K) would lead its writes out of the root.
        if (!root.IsSystemRoot)
        {
            string folder = "/lib/modules/" + kernel;
            PathResolution resolved = root.Resolve(folder);
            if (!resolved.Succeeded || resolved.RealPath != root.RealPathOf(folder))
            {
                return new HookResult(kernel, "depmod", HookStatus.Failed, null,
                    $"{root.RealPathOf(folder)} is reached through a symbolic link; depmod -b would follow it outside the root, so it was not run: run depmod -a {kernel} inside the system");
            }
        }

        // Under --root, depmod must follow the managed system's depmod.d (with its "exclude dmv"), not this machine's.
        List<string> args = root.IsSystemRoot ? ["-a", kernel] : ["-a", "-b", root.RealRoot, .. DepmodConfiguration.ConfigArguments(root), kernel];
        return Execute(kernel, "depmod", depmod, args, stdin: null, ownLinks);
    }

    private static HookResult WeakModules(HostRoot root, string kernel, IReadOnlyList<string> modules, HookOptions options)
    {
        string? weakModules = ToolLocator.Find("weak-modules", options.SearchPath, root);
        if (weakModules is null)
        {
            return new HookResult(kernel, "weak-modules", HookStatus.Skipped, null, "the system has no weak-modules");
        }

        if (!root.IsSystemRoot)
        {
            return new HookResult(kernel, "weak-modules", HookStatus.Skipped, null, "weak-modules cannot work on a system under --root");
        }

        if (modules.Count == 0)
        {
            return new HookResult(kernel, "weak-modules", HookStatus.Skipped, null, "no module was added");
        }

        return Execute(kernel, "weak-modules", weakModules, ["--no-initramfs", "--add-modules"], string.Join('\n', modules) + "\n");
    }

    private static HookResult Dracut(HostRoot root, string kernel, HookOptions options)
    {
        if (options.SkipInitrd)
        {
            return new HookResult(kernel, "dracut", HookStatus.Skipped, null, "--no-initrd");
        }

        if (!root.IsSystemRoot && !options.ForceInitrd)
        {
            return new HookResult(kernel, "dracut", HookStatus.Skipped, null, "under --root the initrd is rebuilt only with --initrd");
        }

        string prefix = root.IsSystemRoot ? "" : root.RealRoot;
        string? dracut = ToolLocator.Find("dracut", options.SearchPath, root);
        if (dracut is null)
        {
            return new HookResult(kernel, "dracut", HookStatus.Skipped, null, "the system has no dracut");
        }

        string image = InitrdPath(root, kernel);
        if (root.IsSystemRoot)
        {
            return Execute(kernel, "dracut", dracut, ["-f", image, kernel], stdin: null);
        }

        string? chroot = ToolLocator.Find("chroot", options.SearchPath);
        if (chroot is null)
        {
            return new HookResult(kernel, "dracut", HookStatus.Skipped, null, "chroot not found");
        }

        return Execute(kernel, "dracut", chroot, [root.RealRoot, dracut[prefix.Length..], "-f", image, kernel], stdin: null);
    }

    /// <summary>The initrd the system already has for the kernel (XenServer's initrd-K.img, or initramfs-K.img), else initrd-K.img.</summary>
    private static string InitrdPath(HostRoot root, string kernel)
    {
        foreach (string name in new[] { $"/boot/initrd-{kernel}.img", $"/boot/initramfs-{kernel}.img", $"/boot/initrd.img-{kernel}" })
        {
            if (root.Resolve(name).RealPath is string real && FileStatus.Of(real, out FileStatus status) == 0 && status.IsRegular)
            {
                return name;
            }
        }

        return $"/boot/initrd-{kernel}.img";
    }

    /// <param name="ownLinks">See <see cref="HookOutput.Judge"/>.</param>
    private static HookResult Execute(string kernel, string hook, string program, IReadOnlyList<string> args, string? stdin, IReadOnlyCollection<string>? ownLinks = null)
    {
        string command = program + " " + string.Join(' ', args);
        if (!ChildProcess.TryRun(program, args, stdin, out int status, out string output, out int errno))
        {
            return new HookResult(kernel, hook, HookStatus.Failed, command, $"cannot run {program}: {Errno.Describe(errno)}");
        }

        string text = output.Trim();
        if (status != 0)
        {
            (_, string? line) = HookOutput.Judge(text, ownLinks);
            return new HookResult(kernel, hook, HookStatus.Failed, command, $"exit status {status}" + (text.Length == 0 ? "" : ": " + text), line ?? $"exit status {status}");
        }

        (HookStatus judged, string? problem) = HookOutput.Judge(text, ownLinks);
        return new HookResult(kernel, hook, judged, command, text.Length == 0 ? null : text, problem);
    }
}
