namespace Dmv.Core.Kernels;

/// <summary>What driver-tool knows of one installed kernel.</summary>
public sealed record KernelReport(
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
