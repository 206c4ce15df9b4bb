using Dmv.Core.Modules;

namespace Dmv.Core.Kabi;

/// <summary>
/// A variant is compatible with kernel K when each module's vermagic names K and every
/// <c>__versions</c> CRC matches the CRC K exports for that symbol, or the symbol is exported by
/// another module of the same variant (they are built together). With no symbol list for K, the
/// vermagic is still checked, and the CRCs are reported as not checkable.
/// </summary>
internal static class KabiChecker
{
    private const int MaxProblemsListed = 20;

    public static KabiVerdict Check(string kernel, IReadOnlyList<ModuleReport> modules, KernelSymbols? symbols)
    {
        var problems = new List<string>();
        var exported = new HashSet<string>(modules.SelectMany(m => m.Exports), StringComparer.Ordinal);
        int checkedCrcs = 0;
        foreach (ModuleReport module in modules)
        {
            string name = Path.GetFileName(module.File);
            if (module.Error is not null)
            {
                problems.Add($"{name}: {module.Error}");
                continue;
            }

            string? built = module.ModInfo.VermagicRelease;
            if (built != kernel)
            {
                problems.Add($"{name}: built for kernel {built ?? "(no vermagic)"}, not {kernel}");
            }

            if (symbols is null)
            {
                continue;
            }

            foreach (SymbolVersion version in module.Versions)
            {
                checkedCrcs++;
                if (symbols.TryGet(version.Symbol, out uint crc))
                {
                    if (crc != version.Crc)
                    {
                        problems.Add($"{name}: {version.Symbol} expects CRC 0x{version.Crc:x8}, kernel {kernel} exports 0x{crc:x8}");
                    }
                }
                else if (!exported.Contains(version.Symbol))
                {
                    problems.Add($"{name}: {version.Symbol} is exported neither by kernel {kernel} nor by the variant's other modules");
                }
            }
        }

        if (problems.Count > 0)
        {
            string more = problems.Count > MaxProblemsListed ? $" (and {problems.Count - MaxProblemsListed} more)" : "";
            return new KabiVerdict(kernel, KabiVerdict.Incompatible, problems[0] + more, problems.Take(MaxProblemsListed).ToList());
        }

        return symbols is null
            ? new KabiVerdict(kernel, KabiVerdict.NotPossible, $"vermagic matches, but no symbol list (Module.symvers, symvers-{kernel}.gz) was found to check the CRCs", [])
            : new KabiVerdict(kernel, KabiVerdict.Compatible, $"{checkedCrcs} symbol CRCs match {symbols.Source}", []);
    }
}
