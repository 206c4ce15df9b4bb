#!/usr/bin/env python3
"""Rewrites a grub.cfg the way XenServer's boot-loader writer does (python-libs, xcp/bootloader.py:
Bootloader.readGrub2 then writeGrub2, as its commit() runs them on a kernel update): the lines
before each menu entry are kept as boilerplate, the serial, default and timeout settings and every
entry are re-emitted from what was parsed, a kernel line's arguments kept as text. Written for
driver-tool's tests from that module's behaviour; usage: xcp_grub2_rewrite.py GRUB_CFG"""
import re
import sys


def read(path):
    serial = default = timeout = None
    boilerplate, boilerplates, entries = [], [], []
    entry = None
    for line in open(path):
        text = line.strip()
        title = re.match(r"menuentry ['\"]([^']*)['\"](.*){", text)
        if text.startswith("set default=") and text == line.rstrip():
            default = text.split("=")[1].strip("'\"")
        elif text.startswith("set timeout=") and text == line.rstrip():
            timeout = int(text.split("=")[1])
        elif text.startswith("serial"):
            found = re.match(r"serial --unit=(\d+) --speed=(\d+)", text)
            serial = found.groups() if found else serial
        elif text.startswith("terminal_"):
            pass
        elif title:
            if not boilerplates and not any("load_env" in b for b in boilerplate):
                boilerplate += ["if [ -s $prefix/grubenv ]; then", "\tload_env", "fi", "",
                                'if [ -n "$override_entry" ]; then', "\tset default=$override_entry", "fi", ""]
            boilerplates.append(boilerplate)
            boilerplate = []
            entry = {"title": title.group(1), "extra": title.group(2), "contents": [], "format": "multiboot2",
                     "hypervisor": None, "kernel": None, "initrd": None, "root": None}
        elif entry is not None:
            word = text.split(None, 1)[0] if text else ""
            if word in ("multiboot2", "xen_hypervisor"):
                entry["format"] = "xen" if word == "xen_hypervisor" else "multiboot2"
                entry["hypervisor"] = text.split(None, 1)[1]
            elif word in ("module2", "xen_module"):
                if entry["kernel"] is None:
                    entry["kernel"] = text.split(None, 1)[1]
                else:
                    entry["initrd"] = text.split(None, 1)[1]
            elif word.startswith("linux"):
                entry["format"] = "linux"
                entry["kernel"] = text.split(None, 1)[1]
            elif word == "initrd":
                entry["initrd"] = text.split(None, 1)[1]
            elif text.startswith("search --label --set root"):
                entry["root"] = text.split()[4]
            elif text == "}":
                entries.append(entry)
                entry = None
            else:
                entry["contents"].append(line.rstrip())
        else:
            boilerplate.append(line.rstrip())
    return serial, default, timeout, boilerplates, entries


def write(path, serial, default, timeout, boilerplates, entries):
    out = []
    if serial:
        out += ["serial --unit=%s --speed=%s" % serial, "terminal_input serial console", "terminal_output serial console"]
    if default is not None:
        out.append("set default=%s" % default)
    if timeout is not None:
        out.append("set timeout=%d" % timeout)
    for index, entry in enumerate(entries):
        if index < len(boilerplates) and boilerplates[index]:
            out += boilerplates[index]
        out.append("menuentry '%s'%s{" % (entry["title"], entry["extra"] or " "))
        out += entry["contents"]
        if entry["root"]:
            out.append("\tsearch --label --set root %s" % entry["root"])
        first, module = {"xen": ("xen_hypervisor", "xen_module"), "multiboot2": ("multiboot2", "module2")}.get(entry["format"], ("linux", "initrd"))
        if entry["format"] == "linux":
            out.append("\tlinux %s" % entry["kernel"])
            if entry["initrd"]:
                out.append("\tinitrd %s" % entry["initrd"])
        else:
            out.append("\t%s %s" % (first, entry["hypervisor"]))
            if entry["kernel"]:
                out.append("\t%s %s" % (module, entry["kernel"]))
            if entry["initrd"]:
                out.append("\t%s %s" % (module, entry["initrd"]))
        out.append("}")
    with open(path, "w") as handle:
        handle.write("\n".join(out) + "\n")


if __name__ == "__main__":
    write(sys.argv[1], *read(sys.argv[1]))
