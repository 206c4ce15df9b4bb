using System.Text;
using System.Text.Json;
using Dmv.Cli.CommandLine;
using Dmv.Cli.Output;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Kernels;
using Dmv.Core.Selection;

namespace Dmv.Cli.Commands;

/// <summary><c>driver-tool kernels [--kernel K]</c>: installed kernels, their DMV state, configuration, Xen guest type, kABI list and module signing.</summary>
public static class KernelsCommand
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
            terminal.WriteDocument(json => Json(json, kernels));
        }

        return 0;
    }

    private static void Json(Utf8JsonWriter json, List<KernelReport> kernels)
    {
        json.WriteStartObject();
        json.WriteStartArray("kernels");
        foreach (KernelReport kernel in kernels)
        {
            json.WriteStartObject();
            json.WriteString("release", kernel.Release);
            json.WriteBoolean("running", kernel.Running);
            json.WriteOptional("image", kernel.Image);
            json.WriteOptional("modules_dir", kernel.ModulesDirectory);
            json.WriteNumber("modules", kernel.Modules);
            json.WriteStartObject("dmv");
            json.WriteNumber("drivers", kernel.DmvDrivers);
            json.WriteNumber("variants", kernel.DmvVariants);
            json.WriteStartObject("selected");
            foreach ((string driver, string variant) in kernel.Selected)
            {
                json.WriteString(driver, variant);
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteOptional("config", kernel.Config?.Source);
            json.WriteStartObject("xen");
            json.WriteOptional("pv_only", kernel.Xen.PvOnly);
            json.WriteOptional("pvops_guest", kernel.Xen.PvopsGuest);
            json.WriteOptional("pvh", kernel.Xen.Pvh);
            json.WriteOptional("pvhvm", kernel.Xen.Pvhvm);
            if (kernel.Xen.BootsOn is null)
            {
                json.WriteNull("boots_on");
            }
            else
            {
                json.WriteStartArray("boots_on");
                kernel.Xen.BootsOn.ToList().ForEach(json.WriteStringValue);
                json.WriteEndArray();
            }

            json.WriteEndObject();
            json.WriteOptional("symvers", kernel.Symvers);
            if (kernel.Config is null)
            {
                json.WriteNull("module_signing");
            }
            else
            {
                json.WriteStartObject("module_signing");
                json.WriteBoolean("sig", kernel.Config.IsSet("CONFIG_MODULE_SIG"));
                json.WriteBoolean("sig_force", kernel.Config.IsSet("CONFIG_MODULE_SIG_FORCE"));
                json.WriteOptional("hash", kernel.Config.Value("CONFIG_MODULE_SIG_HASH"));
                json.WriteOptional("compression", Compression(kernel));
                json.WriteEndObject();
            }

            json.WriteStartArray("problems");
            kernel.ConfigProblems.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("exit", 0);
        json.WriteEndObject();
    }

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
