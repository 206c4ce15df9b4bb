// SPDX-License-Identifier: GPL-2.0
/*
 * A test variant of e1000e for driver-tool's trial-boot proof: it claims QEMU's 82574L (8086:10d3)
 * like the real driver, so udev loads it from updates/, and panics as it loads, as a bad storage or
 * network driver would. Built with kbuild against Debian's headers; never shipped.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/pci.h>

static const struct pci_device_id trial_ids[] = {
	{ PCI_DEVICE(0x8086, 0x10d3) },
	{ }
};
MODULE_DEVICE_TABLE(pci, trial_ids);

static int __init trial_init(void)
{
	panic("driver-tool test variant of e1000e: panic at load");
	return 0;
}
module_init(trial_init);

MODULE_DESCRIPTION("driver-tool test: an e1000e variant that panics at load");
MODULE_LICENSE("GPL");
