using Dmv.Core.Kernels;
namespace Dmv.Core.Reports;

/// <summary>What driver-tool knows of one installed kernel.</summary>
internal sealed record KernelReport(
    string Release,
    bool Running,
    string? Image,
    string? ModulesDirectory,
    int Modules,
    int DmvDrivers,
    int DmvVariants,
    IReadOnlyDictionary<string, string> Selected,
    KernelConfig? Config,
    IReadOnlyList<string> ConfigProblems,
    XenGuestType Xen,
    string? Symvers);
