#!/bin/bash
# dracut module: driver-tool in the initrd, with the kernel's DMV catalog, and a hook that picks the
# variant fitting the hardware found at boot (so one generic initrd serves different machines).

# DRIVER_TOOL_BINARY: the executable to put in the initrd (default /usr/sbin/driver-tool, as the
# package installs it); a build can point at the one it has just made.
driver_tool_binary() {
    echo "${DRIVER_TOOL_BINARY:-/usr/sbin/driver-tool}"
}

check() {
    [[ -x $(driver_tool_binary) ]] || return 1
    # Only when asked for, or when the kernel has a DMV catalog.
    [[ -d $srcmods/dmv ]] || return 255
    return 0
}

depends() {
    echo udev-rules
    return 0
}

install() {
    inst_binary "$(driver_tool_binary)" /usr/sbin/driver-tool
    # The hooks driver-tool runs after a switch: depmod (weak-modules and dracut are not in an initrd).
    inst_multiple -o depmod modprobe
    inst_multiple -o /usr/lib/depmod.d/driver-tool.conf /lib/depmod.d/driver-tool.conf /etc/depmod.d/driver-tool.conf

    # The catalog: every variant's info.json and module files, and the kernel's updates/ as it is.
    local file
    if [[ -d $srcmods/dmv ]]; then
        while IFS= read -r -d '' file; do
            inst_simple "$srcmods/$file" "/lib/modules/$kernel/$file"
        done < <(cd "$srcmods" && find dmv -type f -print0)
    fi

    if [[ -d $srcmods/updates ]]; then
        while IFS= read -r -d '' file; do
            cp -a "$srcmods/$file" "$initdir/lib/modules/$kernel/$file"
        done < <(cd "$srcmods" && mkdir -p "$initdir/lib/modules/$kernel/updates" && find updates -mindepth 1 -maxdepth 1 -type l -print0)
    fi

    inst_hook pre-udev 40 "$moddir/driver-tool-boot.sh"
}
