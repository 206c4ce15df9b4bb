using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>A small host tree built by hand for one test: kernels, DMV variants with module files, updates/ entries, lspci text.</summary>
public sealed class HandTree : IDisposable
{
    public const string Nic = "01:00.0 \"0200\" \"8086\" \"1592\" -r01 -p00 \"1028\" \"0001\"";

    public HandTree(string? root = null)
    {
        Root = root ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dmv-hand-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Root);
        LspciFile = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "dmv-lspci-" + Guid.NewGuid().ToString("N")[..12] + ".txt");
        System.IO.File.WriteAllText(LspciFile, Nic + "\n");
        // As a system with driver-tool installed has it (dist/depmod.d/driver-tool.conf).
        File("etc/depmod.d/driver-tool.conf", "exclude dmv\n");
    }

    public const string Kernel1 = "6.1.0-1-amd64";
    public const string Kernel2 = "6.2.0-2-amd64";

    /// <summary>
    /// Two kernels, each with ice's generic variant and its Dell one (which the NIC's Dell subsystem
    /// matches, at a higher priority); with <paramref name="withMlx"/>, a second driver in the newer kernel only.
    /// </summary>
    public static HandTree TwoKernels(bool withMlx = false)
    {
        var tree = new HandTree()
            .Variant(Kernel1, "ice", "generic", ["ice.ko"])
            .Variant(Kernel1, "ice", "dell", ["ice.ko"], subVendor: "1028", priority: "40")
            .Variant(Kernel2, "ice", "generic", ["ice.ko"])
            .Variant(Kernel2, "ice", "dell", ["ice.ko"], subVendor: "1028", priority: "40");
        return withMlx ? tree.Variant(Kernel2, "mlx", "generic", ["mlx.ko"]) : tree;
    }

    public string Root { get; }

    /// <summary>lspci -nm text with one Intel NIC (8086:1592, subsystem 1028:0001); kept outside the tree.</summary>
    public string LspciFile { get; }

    public string Path(string relative) => System.IO.Path.Combine(Root, relative.TrimStart('/'));

    /// <param name="name">info.json's name and variant, when they differ from the folders.</param>
    /// <param name="builtFor">The kernel the modules' vermagic names: another kernel's makes them refused by kABI.</param>
    public HandTree Variant(string kernel, string driver, string variant, string[] modules, string subVendor = "*", string priority = "10", string version = "1.0", string device = "1592", (string Driver, string Variant)? name = null, string? builtFor = null)
    {
        string folder = $"lib/modules/{kernel}/dmv/{driver}/{variant}";
        var ids = modules.ToDictionary(
            m => System.IO.Path.GetFileName(m),
            m => new[] { new Dictionary<string, string> { ["vendor_id"] = "8086", ["device_id"] = device, ["subvendor_id"] = subVendor, ["subdevice_id"] = "*" } });
        var info = new Dictionary<string, object>
        {
            ["category"] = "network",
            ["name"] = name?.Driver ?? driver,
            ["description"] = $"{driver} driver",
            ["variant"] = name?.Variant ?? variant,
            ["version"] = version,
            ["priority"] = JsonDocument.Parse(priority).RootElement,
            ["status"] = "production",
            ["pci_ids"] = ids,
        };
        File(folder + "/info.json", JsonSerializer.Serialize(info));
        foreach (string module in modules)
        {
            // A small real module: built for this kernel, its XenServer note naming the variant.
            byte[] elf = Dmv.Fixtures.ElfModuleWriter.Write(new Dmv.Fixtures.ElfModuleWriter.Module(
                Dmv.Fixtures.NoteWriter.XenServerVariant(name?.Variant ?? variant),
                [new("name", System.IO.Path.GetFileNameWithoutExtension(module)), new("vermagic", $"{builtFor ?? kernel} SMP mod_unload modversions ")],
                []));
            string path = Path($"{folder}/{module}");
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
            System.IO.File.WriteAllBytes(path, elf);
        }

        Directory.CreateDirectory(Path($"lib/modules/{kernel}/updates"));
        return this;
    }

    public HandTree File(string relative, string content)
    {
        string path = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return this;
    }

    public HandTree Link(string relative, string target)
    {
        string path = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        System.IO.File.CreateSymbolicLink(path, target);
        return this;
    }

    /// <summary>Runs driver-tool on this tree with the tree's lspci text and without hooks, unless the arguments say otherwise.</summary>
    public ProcessResult Run(params string[] args) => DriverTool.Run(["--root", Root, "--lspci", LspciFile, .. args]);

    /// <summary>As <see cref="Run"/>, as user nobody.</summary>
    public ProcessResult RunAsNobody(params string[] args) =>
        DriverTool.Run(["--root", Root, "--lspci", LspciFile, .. args], stdin: null, asNobody: true);

    public ProcessResult RunWith(IReadOnlyDictionary<string, string> environment, params string[] args) =>
        DriverTool.Run(["--root", Root, "--lspci", LspciFile, .. args], stdin: null, asNobody: false, environment);

    /// <summary>The target text of updates/NAME in a kernel, or null when there is no link.</summary>
    public string? LinkTarget(string kernel, string module)
    {
        string path = Path($"lib/modules/{kernel}/updates/{module}");
        var info = new FileInfo(path);
        return info.LinkTarget;
    }

    public string[] UpdatesNames(string kernel) =>
        Directory.Exists(Path($"lib/modules/{kernel}/updates"))
            ? Directory.GetFileSystemEntries(Path($"lib/modules/{kernel}/updates")).Select(p => System.IO.Path.GetFileName(p)!).Order(StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>A folder beside the tree (a fake tool's, say), removed with it.</summary>
    public string Beside(string suffix)
    {
        string folder = Root + "-" + suffix;
        Directory.CreateDirectory(folder);
        _beside.Add(folder);
        return folder;
    }

    private readonly List<string> _beside = [];

    public void Dispose()
    {
        System.IO.File.Delete(LspciFile);
        foreach (string folder in _beside.Append(Root))
        {
            Scratch.Delete(folder);
        }
    }
}
