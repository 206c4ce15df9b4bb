using System.Text.Json;
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
    /// With <paramref name="signer"/>, the variant's module is signed again with its key, and its
    /// certificate is the one trusted certificate dracut is given.
    public static E1000eInitrd Create(bool variantNote, Signer? signer = null)
    {
        var initrd = new E1000eInitrd(Path.Combine(Path.GetTempPath(), "dmv-initrd-" + Guid.NewGuid().ToString("N")[..8]));
        initrd.WriteTree(variantNote);
        Directory.CreateDirectory(initrd.TrustedKeys);
        if (signer is not null)
        {
            signer.Sign(initrd.VariantModule);
            File.Copy(signer.CertificatePath, Path.Combine(initrd.TrustedKeys, "test-signer.pem"));
        }

        return initrd;
    }

    /// <summary>What dracut is given as the host's trusted certificates (empty unless signed).</summary>
    public string TrustedKeys => Path.Combine(Work, "trusted-keys");

    public string VariantModule => Path.Combine(ModulesDirectory, $"dmv/{Driver}/{Variant}/e1000e.ko");

    public static ProcessResult Run(params string[] command) => ExternalCommand.Check(command);

    /// <summary>Runs dracut for the base module, driver-tool's, and <paramref name="extraModules"/>.</summary>
    public void Build(params string[] extraModules)
    {
        ProcessResult result = Dracut(null, extraModules);
        Assert.True(result.ExitCode == 0, $"dracut: {result}");
    }

    /// <summary>Runs dracut as <see cref="Build"/> does, with <paramref name="environment"/> added, and returns how it ended.</summary>
    public ProcessResult Dracut(IReadOnlyDictionary<string, string>? environment, params string[] extraModules)
    {
        string modules = string.Join(' ', new[] { "base", "driver-tool" }.Concat(extraModules));
        var variables = new Dictionary<string, string>
        {
            ["dracutbasedir"] = Path.Combine(Work, "dracut"),
            ["DRIVER_TOOL_BINARY"] = ToolPaths.DriverTool,
            ["DRIVER_TOOL_TRUSTED_KEYS"] = TrustedKeys,
        };
        foreach ((string name, string value) in environment ?? new Dictionary<string, string>())
        {
            variables[name] = value;
        }

        return ExternalCommand.Run(
            ["dracut", "--no-hostonly", "--kver", Release, "--kmoddir", ModulesDirectory, "-m", modules, "--no-early-microcode", "--force", Image],
            variables,
            timeoutSeconds: 120);
    }

    /// <summary>Unpacks the built initrd (into Work/unpacked) and returns that folder.</summary>
    public string Unpack()
    {
        string unpacked = Path.Combine(Work, "unpacked");
        Directory.CreateDirectory(unpacked);
        Run("bash", "-c", $"cd {unpacked} && lsinitrd --unpack {Image}");
        Directory.CreateDirectory(Path.Combine(unpacked, "run"));
        return unpacked;
    }

    /// <summary>
    /// Runs driver-tool's hook in the unpacked initrd, chrooted (the initrd's own shell and
    /// libraries), as dracut's init would, with a PCI device like QEMU's e1000e present; returns
    /// the driver's entry in the listing.json it leaves.
    /// </summary>
    public static JsonElement RunHook(string unpacked)
    {
        RunHookScript(unpacked, prelude: "");
        return JsonDocument.Parse(File.ReadAllText(Path.Combine(unpacked, "run/driver-tool/listing.json"))).RootElement.GetProperty("drivers").GetProperty(Driver);
    }

    /// <summary>The hook as dracut's init sources it, after <paramref name="prelude"/> (shell code standing in for dracut-lib).</summary>
    public static void RunHookScript(string unpacked, string prelude)
    {
        string device = Path.Combine(unpacked, "sys/bus/pci/devices/0000:00:03.0");
        Directory.CreateDirectory(device);
        File.WriteAllText(Path.Combine(device, "uevent"), "PCI_ID=8086:10D3\nPCI_SUBSYS_ID=8086:0000\n");
        Run("chroot", unpacked, "/bin/sh", "-c", prelude + ". /usr/lib/dracut/hooks/pre-udev/40-driver-tool-boot.sh");
    }

    public void Dispose() => Run("rm", "-rf", Work);

    private void WriteTree(bool variantNote)
    {
        string inTree = Path.Combine(ModulesDirectory, DebianKernel.InTree("e1000e.ko"));
        Directory.CreateDirectory(Path.GetDirectoryName(inTree)!);
        File.Copy(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko")), inTree);
        foreach (string file in new[] { "modules.order", "modules.builtin", "modules.builtin.modinfo" })
        {
            File.Copy(Path.Combine(DebianKernel.ModulesDirectory, file), Path.Combine(ModulesDirectory, file));
        }

        // A second driver whose variant needs in-tree modules (igb: dca, i2c-algo-bit), which the
        // initrd must then hold; no hardware of it is present.
        foreach (string dependency in new[] { "dca.ko", "i2c-algo-bit.ko" })
        {
            string path = Path.Combine(ModulesDirectory, DebianKernel.InTree(dependency));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.Copy(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree(dependency)), path);
        }

        string igb = Path.Combine(ModulesDirectory, "dmv/intel-igb/generic");
        Directory.CreateDirectory(igb);
        File.Copy(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("igb.ko")), Path.Combine(igb, "igb.ko"));
        File.WriteAllText(Path.Combine(igb, "info.json"), """
            {"category": "network", "name": "intel-igb", "description": "igb", "variant": "generic", "version": "1.0",
             "priority": 10, "status": "production", "pci_ids": {"igb.ko": [{"vendor_id": "8086", "device_id": "1533", "subvendor_id": "*", "subdevice_id": "*"}]}}
            """);

        string variant = Path.Combine(ModulesDirectory, $"dmv/{Driver}/{Variant}");
        Directory.CreateDirectory(variant);
        if (variantNote)
        {
            string note = Path.Combine(Work, "xenserver.note");
            File.WriteAllBytes(note, NoteWriter.XenServerVariant(Variant));
            Run("objcopy", "--add-section", $".note.XenServer={note}", "--set-section-flags", ".note.XenServer=alloc,readonly,contents", inTree, VariantModule);
        }
        else
        {
            File.Copy(inTree, VariantModule);
        }

        File.WriteAllText(Path.Combine(variant, "info.json"), $$$"""
            {"category": "network", "name": "{{{Driver}}}", "description": "e1000e for QEMU's 82574L", "variant": "{{{Variant}}}",
             "version": "1.0", "priority": 10, "status": "production",
             "pci_ids": {"e1000e.ko": [{"vendor_id": "8086", "device_id": "10d3", "subvendor_id": "*", "subdevice_id": "*"}]}}
            """);
        string config = Path.Combine(Work, "root/etc/depmod.d");
        Directory.CreateDirectory(config);
        File.Copy(Path.Combine(ToolPaths.RepositoryRoot, "dist/depmod.d/driver-tool.conf"), Path.Combine(config, "driver-tool.conf"));
        Run("depmod", "-b", Path.Combine(Work, "root"), "-C", config, Release);

        Run("cp", "-a", "/usr/lib/dracut", Path.Combine(Work, "dracut"));
        Run("cp", "-a", Path.Combine(ToolPaths.RepositoryRoot, "dist/dracut/90driver-tool"), DracutModules + "/");
    }
}
