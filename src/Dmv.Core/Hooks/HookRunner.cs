using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Hooks;

/// <summary>
/// After a switch, for each kernel it changed: depmod, <c>weak-modules</c> where the system has it,
/// and the initrd rebuilt with <c>dracut</c> where the system has it. A missing tool is reported as
/// skipped; a failing one with its output, judged line by line (<see cref="HookOutput"/>). The links
/// are already in place and stay so whatever a hook does.
/// </summary>
internal static class HookRunner
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
                results.Add(new HookResult(kernel, "all", HookStatus.Failed, null, problem, $"hooks not run: {problem}"));
                continue;
            }

            IReadOnlyList<string> added = addedModules.GetValueOrDefault(kernel) ?? [];
            if (!options.SkipDepmod)
            {
                results.Add(Depmod(root, kernel, added.Select(static m => m[(m.LastIndexOf('/') + 1)..]).ToList(), options));
                results.Add(WeakModules(root, kernel, added, options));
            }

            results.Add(Dracut(root, kernel, options));
        }

        return results;
    }

    /// <summary>
    /// depmod for one kernel, judged against the links a switch wrote there, and its result checked:
    /// the kernel's modules.dep written anew inside the root, indexing each of those links. Under
    /// --root the target's own depmod runs chrooted into it (an absolute link then resolves inside the
    /// root, as at boot); only a target without one gets this machine's <c>depmod -b ROOT</c>, and then
    /// only when nothing depmod walks leads out of the root as depmod, outside it, would follow it.
    /// </summary>
    public static HookResult Depmod(HostRoot root, string kernel, IReadOnlyCollection<string> ownLinks, HookOptions options)
    {
        string hostKernel = "/lib/modules/" + kernel;
        string index = hostKernel + "/modules.dep";
        ulong before = root.TryStatus(index, out FileStatus old, out _) ? old.Inode : 0;
        HookResult result;
        if (root.IsSystemRoot)
        {
            string? depmod = ToolLocator.Find("depmod", ToolLocator.HostFolders);
            if (depmod is null)
            {
                return new HookResult(kernel, "depmod", HookStatus.Skipped, null, "depmod not found in " + string.Join(':', ToolLocator.HostFolders));
            }

            result = Execute(kernel, "depmod", depmod, ["-a", kernel], stdin: null, ownLinks);
        }
        else if (ToolLocator.FindInTarget("depmod", root) is string own && ToolLocator.Find("chroot", ToolLocator.HostFolders) is string chroot)
        {
            result = Execute(kernel, "depmod", chroot, [root.RealRoot, own, "-a", kernel], stdin: null, ownLinks);
        }
        else
        {
            string? depmod = ToolLocator.Find("depmod", ToolLocator.HostFolders);
            if (depmod is null)
            {
                return new HookResult(kernel, "depmod", HookStatus.Skipped, null, "the system under --root has no depmod, and this machine has none in " + string.Join(':', ToolLocator.HostFolders));
            }

            if (Escape(root, hostKernel) is string escape)
            {
                return new HookResult(kernel, "depmod", HookStatus.Failed, null,
                    $"not run: the system under --root has no depmod of its own, and this machine's depmod -b would leave the root ({escape}); run depmod -a {kernel} inside the system",
                    $"depmod not run: {escape}");
            }

            // Under --root, depmod must follow the managed system's depmod.d (with its "exclude dmv"), not this machine's.
            result = Execute(kernel, "depmod", depmod, ["-a", "-b", root.RealRoot, .. DepmodConfiguration.ConfigArguments(root), kernel], stdin: null, ownLinks);
        }

        return result.Status is HookStatus.Ok or HookStatus.Warnings ? CheckIndex(root, result, index, before, ownLinks) : result;
    }

    /// <summary>What depmod must have done, whoever ran it: a new modules.dep inside the root that indexes every link the switch wrote.</summary>
    private static HookResult CheckIndex(HostRoot root, HookResult result, string index, ulong before, IReadOnlyCollection<string> ownLinks)
    {
        byte[] buffer = new byte[64 * 1024];
        string? problem = null;
        if (!root.TryStatus(index, out FileStatus now, out _) || now.Inode == before
            || !root.TryReadFile(index, 64 << 20, ref buffer, out int length, out _))
        {
            problem = $"{root.RealPathOf(index)} was not written anew inside the root";
        }
        else
        {
            string text = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
            // A link a later switch (another command's, while this one's hooks waited) removed since is not depmod's to index.
            string kernelFolder = index[..index.LastIndexOf('/')];
            string? missing = ownLinks.FirstOrDefault(link => !text.Contains($"\nupdates/{link}:", StringComparison.Ordinal) && !text.StartsWith($"updates/{link}:", StringComparison.Ordinal)
                && root.TryStatus($"{kernelFolder}/updates/{link}", out _, out _));
            if (missing is not null)
            {
                problem = $"{root.RealPathOf(index)} does not index updates/{missing}, which the switch wrote";
            }
        }

        return problem is null ? result : result with { Status = HookStatus.Failed, Problem = $"depmod exited 0, but {problem}" + (result.Problem is null ? "" : $" ({result.Problem})") };
    }

    /// <summary>
    /// The first place where this machine's depmod -b, resolving paths outside the root, would leave
    /// it or stop: on the way to the kernel's folder, at any link below it that depmod walks (it
    /// follows linked folders and files, at any depth), at anything it would open that is not a
    /// regular file (a FIFO would keep it waiting), in the configuration folders it is given, or in a
    /// configuration line that names folders of its own (<c>external</c>, read outside the root).
    /// What cannot be checked — a folder too deep or unreadable, a name that is not UTF-8 — counts
    /// as leaving. Null when nothing does.
    /// </summary>
    private static string? Escape(HostRoot root, string hostKernel)
    {
        PathResolution kernel = root.ResolveAsOutsider(hostKernel);
        if (!kernel.Succeeded)
        {
            return kernel.Reason;
        }

        var seen = new HashSet<(ulong, ulong)>();
        foreach (string folder in DepmodConfiguration.ExistingFolders(root).Prepend(hostKernel))
        {
            if (EscapeBelow(root, folder, 0, seen) is string escape)
            {
                return escape;
            }
        }

        return DepmodConfiguration.OutsideReference(root);
    }

    private const int MaxDepth = 64;

    private static string? EscapeBelow(HostRoot root, string hostFolder, int depth, HashSet<(ulong, ulong)> seen)
    {
        PathResolution here = root.ResolveAsOutsider(hostFolder);
        if (!here.Succeeded)
        {
            return here.Reason;
        }

        if (!root.TryStatus(hostFolder, out FileStatus folder, out Failure? failure))
        {
            return failure.Message;
        }

        // A folder reached twice (a linked folder, a loop) is checked once.
        if (!seen.Add((folder.Device, folder.Inode)))
        {
            return null;
        }

        var entries = new List<DirectoryEntry>();
        if (depth > MaxDepth)
        {
            return $"{root.RealPathOf(hostFolder)}: folders nested deeper than {MaxDepth}, which driver-tool does not check";
        }

        if (!root.TryList(hostFolder, entries, out failure))
        {
            return $"{failure.Message}: depmod would read what driver-tool cannot check";
        }

        foreach (DirectoryEntry entry in entries)
        {
            if (!entry.NameIsValid)
            {
                return $"{root.RealPathOf(hostFolder)}: a name that is not UTF-8, which driver-tool cannot check";
            }

            // depmod passes over these two names (a kernel's build/ and source/ links lead to its headers).
            if (entry.Name is "build" or "source")
            {
                continue;
            }

            string path = hostFolder + "/" + entry.Name;
            EntryKind kind = entry.Kind;
            if (kind == EntryKind.Link)
            {
                PathResolution target = root.ResolveAsOutsider(path);
                if (!target.Succeeded)
                {
                    // A dangling link is nothing depmod can open; one that climbs or points out leaves the root.
                    if (target.Errno == Errno.ENOENT)
                    {
                        continue;
                    }

                    return target.Reason;
                }

                if (!root.TryStatus(path, out FileStatus status, out failure))
                {
                    return failure.Message;
                }

                kind = status.Kind;
            }

            if (kind == EntryKind.Directory)
            {
                if (EscapeBelow(root, path, depth + 1, seen) is string below)
                {
                    return below;
                }
            }
            else if (kind != EntryKind.File)
            {
                return $"{root.RealPathOf(path)}: not a regular file or folder; depmod could open it and wait";
            }
        }

        return null;
    }

    private static HookResult WeakModules(HostRoot root, string kernel, IReadOnlyList<string> modules, HookOptions options)
    {
        if (!root.IsSystemRoot)
        {
            return new HookResult(kernel, "weak-modules", HookStatus.Skipped, null, "weak-modules cannot work on a system under --root");
        }

        string? weakModules = ToolLocator.Find("weak-modules", ToolLocator.HostFolders);
        if (weakModules is null)
        {
            return new HookResult(kernel, "weak-modules", HookStatus.Skipped, null, "the system has no weak-modules");
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

        string image = InitrdPath(root, kernel);
        if (root.IsSystemRoot)
        {
            string? dracut = ToolLocator.Find("dracut", ToolLocator.HostFolders);
            return dracut is null
                ? new HookResult(kernel, "dracut", HookStatus.Skipped, null, "the system has no dracut")
                : Execute(kernel, "dracut", dracut, ["-f", image, kernel], stdin: null);
        }

        // dracut must describe the target: its own dracut, chrooted into it.
        string? own = ToolLocator.FindInTarget("dracut", root);
        if (own is null)
        {
            return new HookResult(kernel, "dracut", HookStatus.Skipped, null, "the system has no dracut");
        }

        string? chroot = ToolLocator.Find("chroot", ToolLocator.HostFolders);
        return chroot is null
            ? new HookResult(kernel, "dracut", HookStatus.Skipped, null, "chroot not found")
            : Execute(kernel, "dracut", chroot, [root.RealRoot, own, "-f", image, kernel], stdin: null);
    }

    /// <summary>How long a hook may run: far beyond what each takes on a large host (depmod seconds, dracut a minute or two).</summary>
    private static TimeSpan TimeoutOf(string hook)
    {
#if TEST_SEAMS
        if (double.TryParse(Environment.GetEnvironmentVariable("DRIVER_TOOL_TEST_HOOK_TIMEOUT"), System.Globalization.CultureInfo.InvariantCulture, out double seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }
#endif
        return hook switch
        {
            "depmod" => TimeSpan.FromMinutes(5),
            "weak-modules" => TimeSpan.FromMinutes(10),
            _ => TimeSpan.FromMinutes(30),
        };
    }

    /// <summary>The initrd the system already has for the kernel (XenServer's initrd-K.img, or initramfs-K.img), else initrd-K.img.</summary>
    private static string InitrdPath(HostRoot root, string kernel)
    {
        foreach (string name in new[] { $"/boot/initrd-{kernel}.img", $"/boot/initramfs-{kernel}.img", $"/boot/initrd.img-{kernel}" })
        {
            if (root.TryStatus(name, out FileStatus status, out _) && status.IsRegular)
            {
                return name;
            }
        }

        return $"/boot/initrd-{kernel}.img";
    }

    /// <param name="ownLinks">For depmod, the links the switch wrote, checked in the index afterwards (see <see cref="HookOutput.Judge"/>).</param>
    private static HookResult Execute(string kernel, string hook, string program, IReadOnlyList<string> args, string? stdin, IReadOnlyCollection<string>? ownLinks = null)
    {
        string command = program + " " + string.Join(' ', args);
        TimeSpan timeout = TimeoutOf(hook);
        if (!ChildProcess.TryRun(program, args, stdin, timeout, out int status, out string output, out bool timedOut, out int errno))
        {
            return new HookResult(kernel, hook, HookStatus.Failed, command, $"cannot run {program}: {Errno.Describe(errno)}");
        }

        if (timedOut)
        {
            string stopped = $"killed after {timeout.TotalSeconds:F0} s without finishing (waiting on something it reads, a FIFO say?)";
            return new HookResult(kernel, hook, HookStatus.Failed, command, stopped + (output.Trim().Length == 0 ? "" : ": " + output.Trim()), stopped);
        }

        string text = output.Trim();
        if (status != 0)
        {
            (_, string? line) = HookOutput.Judge(text, indexChecked: ownLinks is not null);
            return new HookResult(kernel, hook, HookStatus.Failed, command, $"exit status {status}" + (text.Length == 0 ? "" : ": " + text), line ?? $"exit status {status}");
        }

        (HookStatus judged, string? problem) = HookOutput.Judge(text, indexChecked: ownLinks is not null);
        return new HookResult(kernel, hook, judged, command, text.Length == 0 ? null : text, problem);
    }
}
