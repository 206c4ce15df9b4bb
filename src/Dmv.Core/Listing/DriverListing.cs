using Dmv.Core.Catalog;
using Dmv.Core.Links;

namespace Dmv.Core.Listing;

/// <summary>The state of every DMV driver on a host: what <c>driver-tool -l</c> reports.</summary>
internal sealed record DriverListing(
    IReadOnlyList<DriverEntry> Drivers,
    HostCatalogs Host,
    IReadOnlyList<KernelSelection> Selections,
    string? RunningKernel,
    Pci.PresentDevices? Hardware = null)
{
    /// <summary>Each kernel's catalog, in boot order (running kernel first, then newest first).</summary>
    public IReadOnlyList<KernelCatalog> Kernels => Host.Catalogs;

    public DriverEntry? Driver(string name) => Drivers.FirstOrDefault(d => d.Name == name);

    /// <summary>The listing after a switch of one driver in the given kernels, without reading the tree again.</summary>
    public DriverListing AfterSwitch(string driver, string? variant, IReadOnlyList<string> kernels)
    {
        bool inBootKernel = BootKernel is not null && kernels.Contains(BootKernel);
        return this with
        {
            Drivers = Drivers.Select(d => d.Name == driver ? d.WithBootSelection(variant, inBootKernel) : d).ToList(),
        };
    }

    /// <summary>True when what will load at the next boot differs, for some driver, from what is loaded now.</summary>
    public bool RebootRequired => Drivers.Any(static driver => driver.RebootPending);

    /// <summary>The kernel the next boot is assumed to use: the running one, else the newest.</summary>
    public string? BootKernel => Kernels.Count > 0 ? Kernels[0].Release : null;
}
