using System.Diagnostics;
using Dmv.Fixtures;

namespace Dmv.Cli.Tests;

/// <summary>
/// An initrd for Debian's kernel, made by Debian's real dracut with driver-tool's module, from a
/// kernel tree that holds the in-tree e1000e and one DMV variant of it, "qemu", for the 82574L
/// (8086:10d3) that QEMU's <c>-device e1000e</c> presents. dracut runs from a copy of its module
/// tree, so the machine's /usr/lib/dracut is left alone and a test can add modules of its own.
/// </summary>
public sealed class E1000eInitrd : IDisposable
{
    public const string Driver = "intel-e1000e";
    public const string Variant = "qemu";

    private E1000eInitrd(string work)
    {
        Work = work;
    }

    public string Work { get; }

    public string Release => DebianKernel.Release;

    public string Image => Path.Combine(Work, "initrd.img");

    /// <summary>dracut's modules.d in the copy dracut runs from: a test's own modules go here.</summary>
    public string DracutModules => Path.Combine(Work, "dracut/modules.d");

    private string ModulesDirectory => Path.Combine(Work, $"root/lib/modules/{Release}");

    /// <summary>
    /// The tree, depmod'ed with driver-tool's exclusion. With <paramref name="variantNote"/> the
    /// variant's module carries a <c>.note.XenServer</c> naming it (added with objcopy, which drops
    /// the signature: the kernel loads it unsigned, as CONFIG_MODULE_SIG_FORCE is off).
    /// </summary>
    public static E1000eInitrd Create(bool variantNote)
    {
        var initrd = new E1000eInitrd(Path.Combine(Path.GetTempPath(), "dmv-initrd-" + Guid.NewGuid().ToString("N")[..8]));
        initrd.WriteTree(variantNote);
        return initrd;
    }

    public static ProcessResult Run(IReadOnlyDictionary<string, string>? environment, params string[] command)
    {
        var start = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true };
        foreach (string arg in command.Skip(1))
        {
            start.ArgumentList.Add(arg);
        }

        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        ProcessResult result = DriverTool.Execute(start, null);
        Assert.True(result.ExitCode == 0, $"{string.Join(' ', command)}: {result}");
        return result;
    }

    /// <summary>Runs dracut for the base module, driver-tool's, and <paramref name="extraModules"/>.</summary>
    public void Build(params string[] extraModules)
    {
        string modules = string.Join(' ', new[] { "base", "driver-tool" }.Concat(extraModules));
        Run(new Dictionary<string, string> { ["dracutbasedir"] = Path.Combine(Work, "dracut"), ["DRIVER_TOOL_BINARY"] = ToolPaths.DriverTool },
            "dracut", "--no-hostonly", "--kver", Release, "--kmoddir", ModulesDirectory, "-m", modules, "--no-early-microcode", "--force", Image);
    }

    public void Dispose() => Run(null, "rm", "-rf", Work);

    private void WriteTree(bool variantNote)
    {
        string inTree = Path.Combine(ModulesDirectory, DebianKernel.InTree("e1000e.ko"));
        Directory.CreateDirectory(Path.GetDirectoryName(inTree)!);
        File.Copy(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko")), inTree);
        foreach (string file in new[] { "modules.order", "modules.builtin", "modules.builtin.modinfo" })
        {
            File.Copy(Path.Combine(DebianKernel.ModulesDirectory, file), Path.Combine(ModulesDirectory, file));
        }

        string variant = Path.Combine(ModulesDirectory, $"dmv/{Driver}/{Variant}");
        Directory.CreateDirectory(variant);
        string variantModule = Path.Combine(variant, "e1000e.ko");
        if (variantNote)
        {
            string note = Path.Combine(Work, "xenserver.note");
            File.WriteAllBytes(note, NoteWriter.XenServerVariant(Variant));
            Run(null, "objcopy", "--add-section", $".note.XenServer={note}", "--set-section-flags", ".note.XenServer=alloc,readonly,contents", inTree, variantModule);
        }
        else
        {
            File.Copy(inTree, variantModule);
        }

        File.WriteAllText(Path.Combine(variant, "info.json"), $$$"""
            {"category": "network", "name": "{{{Driver}}}", "description": "e1000e for QEMU's 82574L", "variant": "{{{Variant}}}",
             "version": "1.0", "priority": 10, "status": "production",
             "pci_ids": {"e1000e.ko": [{"vendor_id": "8086", "device_id": "10d3", "subvendor_id": "*", "subdevice_id": "*"}]}}
            """);
        string config = Path.Combine(Work, "root/etc/depmod.d");
        Directory.CreateDirectory(config);
        File.Copy(Path.Combine(ToolPaths.RepositoryRoot, "dist/depmod.d/driver-tool.conf"), Path.Combine(config, "driver-tool.conf"));
        Run(null, "depmod", "-b", Path.Combine(Work, "root"), "-C", config, Release);

        Run(null, "cp", "-a", "/usr/lib/dracut", Path.Combine(Work, "dracut"));
        Run(null, "cp", "-a", Path.Combine(ToolPaths.RepositoryRoot, "dist/dracut/90driver-tool"), DracutModules + "/");
    }
}
