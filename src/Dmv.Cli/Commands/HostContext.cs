using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Hooks;
using Dmv.Core.Integrity;
using Dmv.Core.Kernels;
using Dmv.Core.Signing;
using Dmv.Core.Pci;
using Dmv.Core.Switching;

namespace Dmv.Cli.Commands;

/// <summary>What every command that reads a host needs: its root, its hardware, its running kernel.</summary>
internal sealed class HostContext
{
    private HostContext(HostRoot root, string? runningKernel)
    {
        Root = root;
        RunningKernel = runningKernel;
    }

    public HostRoot Root { get; }

    public string? RunningKernel { get; }

    public static bool TryCreate(Invocation invocation, Terminal terminal, out HostContext context, out int exitCode)
    {
        context = null!;
        exitCode = 0;
        HostRoot? root;
        if (invocation.Root is null)
        {
            root = HostRoot.OpenRunningSystem();
        }
        else if (!HostRoot.TryOpen(invocation.Root, out root, out Failure? failure))
        {
            exitCode = ErrorReporter.Fail(terminal, failure.Errno, $"--root {invocation.Root}: {failure.Message}");
            return false;
        }

        context = new HostContext(root, Dmv.Core.Kernels.RunningKernel.Detect(root, invocation.RunningKernel));
        if (invocation.RunningKernel is { } declared && !context.IsInstalled(declared))
        {
            // Refused rather than warned: a mistyped release would silently change which kernel every
            // answer is about (the reboot rule, the kernel order, inspect's lookups).
            List<string> installed = context.InstalledReleases();
            exitCode = ErrorReporter.Fail(terminal, Errno.ENOENT, $"--running-kernel {declared}: not installed (no /lib/modules/{declared}, no /boot/vmlinuz-{declared})"
                + Suggestions.Known("kernel", declared, installed));
            return false;
        }

        return true;
    }

    /// <summary>Whether the root has the release: /lib/modules/K or /boot/vmlinuz-K, as <c>kernels</c> counts them.</summary>
    public bool IsInstalled(string release) =>
        !release.Contains('/') && release is not ("." or "..")
        && (Root.Resolve(InstalledKernels.ModulesDirectory + "/" + release).Succeeded || Root.Resolve("/boot/vmlinuz-" + release).Succeeded);

    /// <summary>The releases under /lib/modules, running first, then newest first.</summary>
    public List<string> InstalledReleases() =>
        InstalledKernels.List(Root, RunningKernel, new DiagnosticLog()).Select(k => k.Release).ToList();

    /// <summary>The newest release under /lib/modules, or null when there is none.</summary>
    public string? NewestKernel() => InstalledKernels.List(Root, null, new DiagnosticLog()).Select(k => k.Release).FirstOrDefault();

    /// <summary>The start of every command that reads the host's hardware: the root, a log, and how to learn the PCI devices.</summary>
    public static bool TryOpenWithHardware(Invocation invocation, Terminal terminal, out HostContext host, out DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode)
    {
        log = new DiagnosticLog();
        hardware = static () => PresentDevices.None;
        return TryCreate(invocation, terminal, out host, out exitCode)
            && host.TryReadHardware(invocation, terminal, log, out hardware, out exitCode);
    }

    /// <summary>The options of a switch, from the command line.</summary>
    public SwitchOptions SwitchOptions(Invocation invocation, Func<PresentDevices> hardware, DiagnosticLog log)
    {
        HookOptions hooks = Hooks(invocation);
        return new SwitchOptions(invocation.Force, hooks, invocation.LockTimeout, hardware, RunningKernel, CrashPoint.FromEnvironment(), Integrity(invocation, log), invocation.IncludeDeselected);
    }

    /// <summary>Which hooks run after a switch (or a repair), and where their programs are looked up.</summary>
    public static HookOptions Hooks(Invocation invocation) =>
        new(invocation.NoHooks, invocation.NoInitrd, invocation.Initrd);

    /// <summary>
    /// The trusted certificates (--trusted-keys, else /etc/driver-tool/trusted-keys/ of the managed
    /// system) and the policy: as given, else enforce when there are certificates, off when there are none.
    /// </summary>
    public IntegrityOptions Integrity(Invocation invocation, DiagnosticLog log)
    {
        // --trusted-keys names a folder of this machine (the caller's); by default it is the managed system's.
        HostRoot keys = invocation.TrustedKeys is not null ? HostRoot.OpenRunningSystem() : Root;
        string folder = invocation.TrustedKeys ?? TrustStore.DefaultFolder;
        TrustStore trust = TrustStore.Load(keys, folder, log);
        if (invocation.TrustedKeys is not null && !(keys.TryStatus(folder, out FileStatus status, out _) && status.Kind == EntryKind.Directory))
        {
            log.Warn(Path.GetFullPath(folder), "no such folder of trusted certificates");
        }

        SignaturePolicy policy = invocation.Signatures switch
        {
            "enforce" => SignaturePolicy.Enforce,
            "warn" => SignaturePolicy.Warn,
            "off" => SignaturePolicy.Off,
            _ => trust.Certificates.Count > 0 ? SignaturePolicy.Enforce : SignaturePolicy.Off,
        };
        return new IntegrityOptions(policy, trust);
    }

    /// <summary>
    /// How to learn the PCI devices: from `lspci -nm` text when --lspci names it (read now, since a
    /// missing file fails the command), otherwise from sysfs under the root (read later, alongside the catalog).
    /// </summary>
    public bool TryReadHardware(Invocation invocation, Terminal terminal, DiagnosticLog log, out Func<PresentDevices> hardware, out int exitCode)
    {
        exitCode = 0;
        if (invocation.Lspci is null)
        {
            HostRoot root = Root;
            hardware = () => new PresentDevices(SysfsPciReader.Read(root, log));
            return true;
        }

        hardware = static () => PresentDevices.None;

        bool fromStdin = invocation.Lspci == "-";
        DescriptorStream? input = fromStdin ? new DescriptorStream(0) : null;
        if (input is null && !DescriptorStream.TryOpenInput(invocation.Lspci, out input, out int errno))
        {
            exitCode = ErrorReporter.Fail(terminal, errno, $"--lspci {invocation.Lspci}: {Errno.Describe(errno)}");
            return false;
        }

        using (input)
        {
            string sourceName = fromStdin ? "<stdin>" : invocation.Lspci;
            try
            {
                // Not a wait on another thread: a DescriptorStream's ReadAsync reads on this thread and
                // returns a finished task, so the pipe reader never suspends and GetResult() only unwraps.
                LspciReader.Result read = LspciReader.ReadAsync(input, sourceName, log).GetAwaiter().GetResult();
                if (read.Errno != 0)
                {
                    exitCode = ErrorReporter.Fail(terminal, read.Errno, $"--lspci {invocation.Lspci}: {read.Problem}");
                    return false;
                }

                var devices = new PresentDevices(read.Devices);
                hardware = () => devices;
                return true;
            }
            catch (IOException error)
            {
                int failed = FileErrors.ErrnoOf(error);
                exitCode = ErrorReporter.Fail(terminal, failed, $"--lspci {invocation.Lspci}: {Errno.Describe(failed)}");
                return false;
            }
        }
    }
}
