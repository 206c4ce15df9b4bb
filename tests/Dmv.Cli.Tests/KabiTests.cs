using System.Buffers.Binary;
using System.Text.Json;
using Dmv.Core.Elf;
using Dmv.Core.Kabi;
using Dmv.Core.Modules;

namespace Dmv.Cli.Tests;

public class KabiTests
{
    [Fact]
    public void Every_module_of_the_package_is_compatible_with_its_own_Module_symvers()
    {
        string release = DebianKernel.Release;
        var symbols = KernelSymbols.Parse(File.ReadAllBytes(Path.Combine(DebianKernel.Root, "Module.symvers")));
        Assert.True(symbols.Count > 20000, $"{symbols.Count} symbols");
        using var codecs = new NativeCodecs();
        var inspector = new ModuleInspector(codecs);
        var rejected = new List<string>();
        int modules = 0;
        KernelSymbols kernel = SymbolsFrom(symbols);
        foreach (string file in Directory.EnumerateFiles(Path.Combine(DebianKernel.ModulesDirectory, "kernel"), "*.ko", SearchOption.AllDirectories))
        {
            modules++;
            ModuleReport report = inspector.Inspect(Dmv.Core.FileSystem.HostRoot.OpenRunningSystem(), file, file);
            KabiVerdict verdict = KabiChecker.Check(release, [report], kernel);
            if (verdict.Status != KabiVerdict.Compatible)
            {
                rejected.Add($"{file}: {verdict.Detail}");
            }
        }

        Assert.True(modules > 3000);
        Assert.True(rejected.Count == 0, $"{rejected.Count} false rejections, first: {string.Join("\n", rejected.Take(5))}");
    }

    [Fact]
    public void A_module_whose_CRC_was_altered_is_rejected_and_force_overrides()
    {
        string release = DebianKernel.Release;
        using HandTree tree = new HandTree();
        File.WriteAllText(tree.LspciFile, "00:03.0 \"0200\" \"8086\" \"10d3\" -r00 \"8086\" \"0000\"\n");
        tree.Variant(release, "intel-e1000e", "good", ["e1000e.ko"], device: "10d3").Variant(release, "intel-e1000e", "bad", ["e1000e.ko"], device: "10d3");
        string source = Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko"));
        File.Copy(source, tree.Path($"lib/modules/{release}/dmv/intel-e1000e/good/e1000e.ko"), overwrite: true);
        string bad = tree.Path($"lib/modules/{release}/dmv/intel-e1000e/bad/e1000e.ko");
        File.Copy(source, bad, overwrite: true);
        AlterFirstCrc(bad);
        Directory.CreateDirectory(tree.Path($"lib/modules/{release}/build"));
        File.Copy(Path.Combine(DebianKernel.Root, "Module.symvers"), tree.Path($"lib/modules/{release}/build/Module.symvers"));

        Assert.Equal(0, tree.Run("select", "intel-e1000e", "good", "--no-hooks").ExitCode);
        ProcessResult refused = tree.Run("select", "intel-e1000e", "bad", "--no-hooks");
        Assert.Equal(8, refused.ExitCode);
        ContractChecker.AssertAccepted("error", refused.Stdout);
        Assert.Contains("expects CRC", refused.Stderr);
        Assert.Equal("../dmv/intel-e1000e/good/e1000e.ko", tree.LinkTarget(release, "e1000e.ko"));

        JsonElement explained = JsonDocument.Parse(tree.Run("explain", "intel-e1000e").Stdout).RootElement;
        var verdicts = explained.GetProperty("variants").EnumerateArray().ToDictionary(
            v => v.GetProperty("variant").GetString()!,
            v => v.GetProperty("kernels")[0].GetProperty("kabi").GetProperty("status").GetString());
        Assert.Equal("compatible", verdicts["good"]);
        Assert.Equal("incompatible", verdicts["bad"]);

        Assert.Equal(0, tree.Run("select", "intel-e1000e", "bad", "--no-hooks", "--force").ExitCode);
    }

    [Fact]
    public void Without_a_symbol_list_the_check_is_not_possible_rather_than_passed()
    {
        string release = DebianKernel.Release;
        using HandTree tree = new HandTree().Variant(release, "intel-e1000e", "good", ["e1000e.ko"], device: "10d3");
        File.Copy(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko")), tree.Path($"lib/modules/{release}/dmv/intel-e1000e/good/e1000e.ko"), overwrite: true);

        JsonElement kabi = JsonDocument.Parse(tree.Run("explain", "intel-e1000e").Stdout).RootElement.GetProperty("variants")[0].GetProperty("kernels")[0].GetProperty("kabi");

        Assert.Equal("not-possible", kabi.GetProperty("status").GetString());
    }

    [Fact]
    public void A_module_built_for_another_kernel_is_incompatible()
    {
        using HandTree tree = new HandTree().Variant("6.9.9-other", "ice", "generic", ["ice.ko"]);
        Directory.Move(tree.Path("lib/modules/6.9.9-other"), tree.Path("lib/modules/6.1.0-1-amd64"));

        ProcessResult result = tree.Run("select", "ice", "generic", "--no-hooks");

        Assert.Equal(8, result.ExitCode);
        Assert.Contains("built for kernel 6.9.9-other, not 6.1.0-1-amd64", result.Stderr);
    }

    /// <summary>The package's Module.symvers found where a system keeps it (lib/modules/K/build/), read by driver-tool's own lookup.</summary>
    private static KernelSymbols SymbolsFrom(Dictionary<string, uint> crcs)
    {
        string folder = Path.Combine(Path.GetTempPath(), "dmv-sv-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Path.Combine(folder, $"lib/modules/{DebianKernel.Release}/build"));
        File.Copy(Path.Combine(DebianKernel.Root, "Module.symvers"), Path.Combine(folder, $"lib/modules/{DebianKernel.Release}/build/Module.symvers"));
        Assert.True(Dmv.Core.FileSystem.HostRoot.TryOpen(folder, out var root, out _));
        KernelSymbols? symbols = KernelSymbols.Find(root, DebianKernel.Release, out _);
        Directory.Delete(folder, recursive: true);
        Assert.NotNull(symbols);
        Assert.Equal(crcs.Count, symbols.Count);
        return symbols;
    }

    private static void AlterFirstCrc(string module)
    {
        byte[] bytes = File.ReadAllBytes(module);
        Assert.True(ElfReader.TryReadSections(bytes, out List<ElfSection> sections, out _));
        ElfSection versions = ElfReader.Find(bytes, sections, "__versions"u8)!.Value;
        uint crc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)versions.Offset));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan((int)versions.Offset), crc ^ 0x5a5a5a5a);
        File.WriteAllBytes(module, bytes);
    }
}
