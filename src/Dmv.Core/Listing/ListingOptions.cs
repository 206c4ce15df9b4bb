using Dmv.Core.Pci;

namespace Dmv.Core.Listing;

/// <summary>What a listing needs besides the tree: the hardware present and the running kernel, if any.</summary>
public sealed record ListingOptions(PresentDevices Hardware, string? RunningKernel);
