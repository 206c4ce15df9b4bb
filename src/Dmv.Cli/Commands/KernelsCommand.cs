using System.Text;
using Dmv.Core.Json;
using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Switching;
using Dmv.Core.Reports;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool kernels [--kernel K]</c>: installed kernels, their DMV state, configuration, Xen guest type, kABI list and module signing.</summary>
internal static class KernelsCommand
{
    private static readonly string[] Compressions = ["NONE", "GZIP", "XZ", "ZSTD"];

    public static int Run(Invocation invocation, Terminal terminal)
    {
        if (!HostContext.TryCreate(invocation, terminal, out HostContext host, out int exitCode))
        {
            return exitCode;
        }

        var log = new DiagnosticLog();
        List<KernelReport> kernels;
        using (HostSession.BeginRead(host.Root, invocation.LockTimeout, log))
        {
            kernels = KernelInventory.Read(host.Root, host.RunningKernel, invocation.Kernel, log);
        }

        Replies.Warnings(terminal, log);
        if (invocation.Kernel is not null && kernels.Count == 0)
        {
            return ErrorReporter.Fail(terminal, Errno.ENOENT, $"kernel {invocation.Kernel} is not installed (no /lib/modules/{invocation.Kernel}, no /boot/vmlinuz-{invocation.Kernel})");
        }

        if (invocation.Format == OutputFormat.Table)
        {
            terminal.WriteText(Table(kernels));
        }
        else
        {
            terminal.WriteJson(Reply(kernels), DmvJsonContext.Default.KernelsReply);
        }

        return 0;
    }

    private static KernelsReply Reply(List<KernelReport> kernels) => new()
    {
        Kernels = kernels.Select(kernel => new KernelReply
        {
            Release = kernel.Release,
            Running = kernel.Running,
            Image = kernel.Image,
            ModulesDirectory = kernel.ModulesDirectory,
            Modules = kernel.Modules,
            Dmv = new KernelDmvReply { Drivers = kernel.DmvDrivers, Variants = kernel.DmvVariants, Selected = new Dictionary<string, string>(kernel.Selected, StringComparer.Ordinal) },
            Config = kernel.Config?.Source,
            Xen = new KernelXenReply
            {
                PvOnly = kernel.Xen.PvOnly,
                PvopsGuest = kernel.Xen.PvopsGuest,
                Pvh = kernel.Xen.Pvh,
                Pvhvm = kernel.Xen.Pvhvm,
                BootsOn = kernel.Xen.BootsOn?.ToList(),
            },
            Symvers = kernel.Symvers,
            ModuleSigning = kernel.Config is null ? null : new ModuleSigningReply
            {
                Sig = kernel.Config.IsSet("CONFIG_MODULE_SIG"),
                SigForce = kernel.Config.IsSet("CONFIG_MODULE_SIG_FORCE"),
                Hash = kernel.Config.Value("CONFIG_MODULE_SIG_HASH"),
                Compression = Compression(kernel),
            },
            Problems = kernel.ConfigProblems.ToList(),
        }).ToList(),
    };

    /// <summary>CONFIG_MODULE_COMPRESS_{NONE,GZIP,XZ,ZSTD}, as the configuration says (null when it says nothing).</summary>
    private static string? Compression(KernelReport kernel) =>
        Compressions.FirstOrDefault(c => kernel.Config!.IsSet("CONFIG_MODULE_COMPRESS_" + c))?.ToLowerInvariant()
        ?? (kernel.Config!.IsSet("CONFIG_MODULE_COMPRESS") ? "yes" : null);

    private static string Table(List<KernelReport> kernels)
    {
        var text = new StringBuilder();
        if (kernels.Count == 0)
        {
            return "no kernels: nothing under /lib/modules, no /boot/vmlinuz-*\n";
        }

        foreach (KernelReport kernel in kernels)
        {
            text.Append($"{kernel.Release}{(kernel.Running ? " (running)" : "")}\n");
            text.Append($"  image       {kernel.Image ?? "-"}\n");
            text.Append($"  modules     {kernel.Modules} in {kernel.ModulesDirectory ?? "-"}\n");
            text.Append($"  dmv         {kernel.DmvDrivers} drivers, {kernel.DmvVariants} variants; selected: {(kernel.Selected.Count == 0 ? "none" : string.Join(", ", kernel.Selected.Select(p => $"{p.Key}={p.Value}")))}\n");
            text.Append($"  config      {kernel.Config?.Source ?? "not found"}\n");
            text.Append($"  boots on    {(kernel.Xen.BootsOn is null ? "unknown (no configuration)" : string.Join(", ", kernel.Xen.BootsOn))}{(kernel.Xen.PvOnly == true ? "  [Xen PV only]" : "")}\n");
            text.Append($"  symvers     {kernel.Symvers ?? "-"}\n");
            if (kernel.Config is not null)
            {
                text.Append($"  signing     {(kernel.Config.IsSet("CONFIG_MODULE_SIG") ? "yes" : "no")}{(kernel.Config.IsSet("CONFIG_MODULE_SIG_FORCE") ? ", enforced" : "")}, hash {kernel.Config.Value("CONFIG_MODULE_SIG_HASH") ?? "-"}, compression {Compression(kernel) ?? "-"}\n");
            }

            foreach (string problem in kernel.ConfigProblems)
            {
                text.Append($"  problem     {problem}\n");
            }

            text.Append('\n');
        }

        return text.ToString();
    }
}
