#!/bin/sh
# pre-udev hook: before udev loads modules, select the DMV variant fitting the hardware this machine
# has, and keep the resulting listing in /run/driver-tool/boot.json. Sourced by dracut's init:
# it must never stop the boot, so every failure is logged to the kernel log and passed over.

driver_tool_boot() {
    mkdir -p /run/driver-tool
    if ! driver-tool auto-select --no-initrd > /run/driver-tool/auto-select.json 2> /run/driver-tool/auto-select.err; then
        echo "driver-tool: auto-select failed: $(head -c 300 /run/driver-tool/auto-select.err)" > /dev/kmsg
    fi

    if ! driver-tool -l > /run/driver-tool/boot.json 2>> /run/driver-tool/auto-select.err; then
        echo "driver-tool: listing failed: $(tail -c 300 /run/driver-tool/auto-select.err)" > /dev/kmsg
    fi
}

driver_tool_boot || :
