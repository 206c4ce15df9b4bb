namespace Dmv.Core.Kernels;

/// <summary>
/// Where a kernel can boot, from its configuration, never from guesses such as the presence of
/// xennet.ko. <c>CONFIG_X86_XEN</c> / <c>CONFIG_X86_64_XEN</c> exist only in the old XenLinux
/// forks, whose kernels boot only as Xen PV guests. Otherwise an x86 kernel boots on bare metal,
/// under KVM and as a Xen HVM guest (emulated hardware), as a Xen PV guest when it has pvops PV
/// support (<c>CONFIG_XEN_PV</c>, or <c>CONFIG_XEN</c> in kernels before 4.14, which had no
/// separate XEN_PV), and as a PVH guest with <c>CONFIG_XEN_PVH</c>. No configuration: unknown.
/// </summary>
internal sealed record XenGuestType(bool? PvOnly, bool? PvopsGuest, bool? Pvh, bool? Pvhvm, IReadOnlyList<string>? BootsOn)
{
    public static readonly XenGuestType Unknown = new(null, null, null, null, null);

    public static XenGuestType From(KernelConfig? config)
    {
        if (config is null)
        {
            return Unknown;
        }

        bool pvOnly = config.IsSet("CONFIG_X86_XEN") || config.IsSet("CONFIG_X86_64_XEN");
        bool pvops = config.IsSet("CONFIG_XEN");
        bool pvh = config.IsSet("CONFIG_XEN_PVH");
        bool pvhvm = config.IsSet("CONFIG_XEN_PVHVM");
        if (pvOnly)
        {
            return new XenGuestType(true, pvops, pvh, pvhvm, ["xen-pv"]);
        }

        bool pv = config.IsSet("CONFIG_XEN_PV") || (pvops && !config.Has("CONFIG_XEN_PV"));
        var bootsOn = new List<string> { "baremetal", "kvm", "xen-hvm" };
        if (pv)
        {
            bootsOn.Add("xen-pv");
        }

        if (pvh)
        {
            bootsOn.Add("xen-pvh");
        }

        return new XenGuestType(false, pvops, pvh, pvhvm, bootsOn);
    }
}
