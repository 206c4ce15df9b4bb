#!/bin/bash
# dracut module: driver-tool in the initrd, with the kernel's DMV catalog, and a hook that picks the
# variant fitting the hardware found at boot (so one generic initrd serves different machines).

# DRIVER_TOOL_BINARY: the executable to put in the initrd (default /usr/sbin/driver-tool, as the
# package installs it); a build can point at the one it has just made.
driver_tool_binary() {
    echo "${DRIVER_TOOL_BINARY:-/usr/sbin/driver-tool}"
}

# DRIVER_TOOL_TRUSTED_KEYS: the trusted certificates to put in the initrd (default the host's).
driver_tool_trusted_keys() {
    echo "${DRIVER_TOOL_TRUSTED_KEYS:-/etc/driver-tool/trusted-keys}"
}

# driver-tool's state folder; its record of drivers an administrator deselected goes into the initrd.
driver_tool_state() {
    echo "${DRIVER_TOOL_STATE:-/var/lib/driver-tool}"
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

installkernel() {
    # What the variants' modules depend on (depends= of their .modinfo), from the kernel's own
    # tree: a variant loaded in the initrd must find its dependencies there.
    # And the in-tree module each variant stands in for: a driver deselected on purpose, or whose
    # variant is refused at boot, falls back to it.
    local file deps name
    [[ -d $srcmods/dmv ]] || return 0
    while IFS= read -r -d '' file; do
        name=${file##*/}
        name=${name%%.ko*}
        if [[ -n $(cd "$srcmods" && find kernel -name "$name.ko*" -print -quit 2> /dev/null) ]]; then
            hostonly='' instmods "$name"
        fi
        deps=$(modinfo -F depends "$srcmods/$file" 2> /dev/null) || continue
        [[ $deps ]] && hostonly='' instmods ${deps//,/ }
    done < <(cd "$srcmods" && find dmv -type f -name '*.ko*' -print0)
    return 0
}

install() {
    inst_binary "$(driver_tool_binary)" /usr/sbin/driver-tool
    # The hooks driver-tool runs after a switch: depmod (weak-modules and dracut are not in an initrd).
    inst_multiple -o depmod modprobe
    inst_multiple -o /usr/lib/depmod.d/driver-tool.conf /lib/depmod.d/driver-tool.conf /etc/depmod.d/driver-tool.conf
    # depmod inside the initrd (the hook's, after a switch) must not index the variants either.
    mkdir -p "$initdir/etc/depmod.d"
    printf '%s\n' "# Written by driver-tool's dracut module: the variants under dmv/ must not be indexed as modules." "exclude dmv" > "$initdir/etc/depmod.d/driver-tool.conf"

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

    # Signatures are enforced at boot as on the host: the same certificates, and OpenSSL, which
    # driver-tool loads at run time to verify. Certificates without OpenSSL would make enforce
    # refuse every variant ("cannot be verified here").
    local keys
    keys=$(driver_tool_trusted_keys)
    if [[ -d $keys ]] && [[ -n $(ls -A "$keys") ]]; then
        inst_dir /etc/driver-tool/trusted-keys
        for file in "$keys"/*; do
            [[ -f $file ]] && inst_simple "$file" "/etc/driver-tool/trusted-keys/${file##*/}"
        done
        if ! inst_libdir_file "libssl.so.3" || ! inst_libdir_file "libcrypto.so.3"; then
            dfatal "driver-tool: $keys holds certificates, but OpenSSL 3 (libssl.so.3, libcrypto.so.3) is not installed to verify them"
            # dracut ignores what install() returns; an initrd that refuses every variant must not be made.
            exit 1
        fi
    fi

    # driver-tool's records the boot decides by: a driver deselected on purpose stays on its in-tree
    # module (the hook's auto-select reads "deselected"), a variant that used up a trial's tries is
    # passed over ("failed-boots"), and a pending trial ("trial.json") is tried or falls back before
    # udev loads anything. Each keeps its owner and mode: driver-tool obeys only its own state.
    local record
    for record in deselected failed-boots trial.json; do
        [[ -f $(driver_tool_state)/$record ]] || continue
        inst_dir /var/lib/driver-tool
        chmod 0755 "$initdir/var/lib/driver-tool"
        cp --preserve=mode "$(driver_tool_state)/$record" "$initdir/var/lib/driver-tool/$record"
    done

    inst_hook pre-udev 40 "$moddir/driver-tool-boot.sh"
}
