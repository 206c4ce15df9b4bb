#!/bin/sh
# pre-udev hook: before udev loads modules, decide what a pending trial selection does in this boot
# (its decision in /run/driver-tool/boot.json: on a fall-back the previous selection's links are
# back first), then select the DMV variant fitting the hardware this machine has, and keep the
# resulting listing in /run/driver-tool/listing.json. Sourced by dracut's init: it must never stop
# the boot, so every failure is logged to the kernel log and passed over.
# rd.driver_tool=0 on the kernel command line turns it off (a variant that hangs the machine).

driver_tool_log() { # message, file whose first line says why (the initrd has no head or tail)
    driver_tool_reason=""
    [ -r "$2" ] && read -r driver_tool_reason < "$2"
    echo "driver-tool: $1${driver_tool_reason:+: $driver_tool_reason}" > /dev/kmsg
}

driver_tool_boot() {
    if command -v getargbool > /dev/null && ! getargbool 1 rd.driver_tool; then
        echo "driver-tool: turned off by rd.driver_tool=0; nothing selected at boot" > /dev/kmsg
        return 0
    fi

    mkdir -p /run/driver-tool
    # The trial first: grub counted this boot (or told the kernel the tries are used up) before
    # the kernel started, and only a token naming the trial tries the variant.
    if driver-tool trial boot --no-initrd > /run/driver-tool/boot.json 2> /run/driver-tool/trial.err; then
        driver_tool_decision=""
        read -r driver_tool_decision < /run/driver-tool/boot.json
        case $driver_tool_decision in
            *'"decision":"fallback"'*)
                driver_tool_detail=${driver_tool_decision#*\"detail\":\"}
                echo "driver-tool: fell back to the previous selection: ${driver_tool_detail%%\"*}" > /dev/kmsg ;;
            *'"decision":"trial"'*)
                echo "driver-tool: trying the selection on trial in this boot (counted by grub)" > /dev/kmsg ;;
        esac
    else
        driver_tool_log "trial decision failed" /run/driver-tool/trial.err
    fi

    if ! driver-tool auto-select --no-initrd > /run/driver-tool/auto-select.json 2> /run/driver-tool/auto-select.err; then
        driver_tool_log "auto-select failed" /run/driver-tool/auto-select.err
    fi

    if ! driver-tool -l > /run/driver-tool/listing.json 2> /run/driver-tool/list.err; then
        driver_tool_log "listing failed" /run/driver-tool/list.err
    fi
}

driver_tool_boot || :
