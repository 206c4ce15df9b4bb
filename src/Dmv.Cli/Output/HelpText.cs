
namespace Dmv.Cli.Output;

/// <summary>The text of --help, general and per command.</summary>
internal static partial class HelpText
{
    public const string General = """
        Usage: driver-tool [OPTIONS] COMMAND

        Manages multi-version kernel drivers (DMV): the approved variants of a driver
        kept under /lib/modules/<kernel>/dmv/, which one is selected, and which is active.

        Commands:
          -l, list [NAME...]            list every driver (or those named), its
                                        variants, hardware match, selected and
                                        active variant
          -s -n NAME -v VARIANT,        select VARIANT of driver NAME in every kernel
            select NAME VARIANT         that has it, atomically
          -d NAME, deselect NAME        remove NAME's links in every kernel, atomically
          auto-select [--dry-run]       select the best variant for each driver with
                                        hardware present and nothing selected
          verify [NAME] [--repair]      check the tree for half-made switches and
                                        broken links, signatures, kABI and notes;
                                        mend what is safe to mend
          inspect FILE|NAME...          a module's notes, .modinfo, vermagic, depends,
                                        __versions and signature (.ko, .gz, .xz, .zst);
                                        a NAME is looked up as modinfo does, in the
                                        running kernel or --kernel K
          explain NAME                  per variant: PCI matches, signatures, kABI
                                        per kernel, priority, and why it is or is
                                        not eligible
          reconcile [NAME...] [--pending]
                                        after packages changed variants: re-point,
                                        deselect or auto-select each driver, then
                                        run the hooks once (RPM scriptlets)
          kernels [--kernel K]          installed kernels: modules, DMV state,
                                        configuration, Xen guest type (PV-only),
                                        symbol list and module signing
          history [NAME] [--limit N]    the switches made, newest first
          trial [ACTION]                the selection on trial: the record, or
                                        confirm, rollback, settle, enable, disable
          completion bash               print the bash completion script
          -V, --version, version        print the version
          -h, --help [COMMAND],         print this help, or the help of COMMAND
            help [COMMAND]

        Options:
        {OPTIONS}

        Examples:
          driver-tool list --format table        what is installed, selected, active
          driver-tool explain intel-ice --format table
                                                 which variant fits, and why
          driver-tool select intel-ice dell      pick a variant (then reboot)
          driver-tool deselect intel-ice         back to the in-tree driver
          driver-tool verify --format table      check a host before a reboot
          driver-tool verify --repair            mend a host after a crash
          driver-tool select intel-ice dell --trial
                                                 try a variant: back by itself if it
                                                 does not boot
          driver-tool --root /mnt/target auto-select --no-initrd
                                                 an installer's choice, under --root

        Exit status: 0 on success, otherwise an errno value, with
        {"version": 0.1, "exit_code": E, "message": "..."} on standard output
        (through a pipe, with JSON; at a terminal or with --format table only the
        one-line message on standard error):
        EINVAL 22 bad command line or name, ENOENT 2 unknown driver or variant,
        ENODEV 19 no matching hardware, EEXIST 17 a foreign file in the way,
        EPERM 1 an unsigned module, EKEYREJECTED 129 an untrusted or tampered
        signature, ENOEXEC 8 a variant that will not load into a kernel (kABI)
        or a module file that cannot be read,
        EBUSY 16 another switch holds the lock, or a trial is pending,
        EOPNOTSUPP 95 the boot loader cannot count a trial, EAGAIN 11 trial
        confirm in a boot that did not try the trial, EROFS 30, ENOSPC 28, EACCES 13
        the switch could not be written (nothing was switched), EIO 5 a hook
        failed (the switch itself is complete), EINPROGRESS 115 a switch was
        committed and the next run completes it, EPIPE 32 the reply could not be
        written (what changed is done), EUCLEAN 117 --strict or verify found
        problems, ELIBACC 79 a library a module needs is not installed,
        ENOTRECOVERABLE 131 an unexpected failure (please report it). Every code
        is in driver-tool(8).
        """;

    public const string List = """
        Usage: driver-tool [OPTIONS] -l [NAME...]
               driver-tool [OPTIONS] list [NAME...]

        Lists every DMV driver found under /lib/modules/*/dmv/ (all kernels), with
        per variant its version, priority, status and whether matching PCI hardware
        is present; per driver the selected variant (what updates/ links point at),
        the active one (what the loaded module's .note.XenServer names) and the
        loaded modules. operation.reboot is true when what will load at the next
        boot differs from what is loaded now.

        With NAMEs, only those drivers are listed (the same reply, fewer drivers;
        ENOENT for a name that is not installed).

        Kernels are consulted running kernel first, then newest first; a driver
        found in several kernels is merged, selected/active from the first kernel
        that has one. --format table prints one row per variant.

        {OPTIONS}

        Problems in the tree (a malformed info.json, a broken link, an unreadable
        folder) are reported one a line on standard error and the rest is listed;
        with --strict they fail the command with EUCLEAN (117).
        """;

    public const string Select = """
        Usage: driver-tool [OPTIONS] -s -n NAME -v VARIANT
               driver-tool [OPTIONS] select NAME VARIANT

        Points updates/<module>.ko of every module of dmv/NAME/VARIANT at it (relative
        links), in every kernel that has dmv/NAME/VARIANT, and removes NAME's other
        links there: all links of the driver switch together, through a journal in
        /var/lib/driver-tool/ that the next command of any kind completes or undoes
        if this one is interrupted. Then, per kernel changed: depmod -a, weak-modules
        when the system has it, dracut when the system has it.

        Refuses (ENODEV) a variant whose hardware is not present, and (EEXIST) when a
        regular file or a foreign link stands where a module link must go; --force
        selects anyway and moves such a file aside (kept, renamed, reported).

        Refuses a module whose signature is not trusted while signatures are
        enforced (EPERM unsigned, EKEYREJECTED untrusted), and a variant that will
        not load into a kernel (ENOEXEC: vermagic, kABI).

        With --trial [--tries N] the selection is made on trial (see 'driver-tool
        help trial'): grub counts the next N boots (default 3), and a host that
        does not confirm one comes up on the previous selection by itself. Refused
        (EOPNOTSUPP) when grub cannot count, (EBUSY) while a trial is pending.

        {OPTIONS}
        Reply: {"driver", "variant", "exit": 0, "operation": {"reboot"}, "kernels",
                "moved_aside", "hooks"}, with --trial also "trial": {"id", "tries",
                "boot_config"}; with --format table one line, e.g.
                "selected dell for intel-ice in 6.1.0-1, 6.1.0-2; depmod ok;
                reboot needed".
        """;

    public const string Deselect = """
        Usage: driver-tool [OPTIONS] -d NAME
               driver-tool [OPTIONS] deselect NAME

        Removes the updates/ links that point into dmv/NAME/, in every kernel, as one
        journalled switch; the in-tree module loads again. Then the hooks, as for
        select. Nothing selected is not an error.

        {OPTIONS}
        Reply: {"driver", "exit": 0, "operation": {"reboot"}, "kernels", "hooks"};
               with --format table one line.
        """;

    public const string AutoSelect = """
        Usage: driver-tool [OPTIONS] auto-select [--dry-run]

        For each driver with hardware present and nothing selected, selects the
        hardware-present variant of largest priority (the installer's rule); a tie
        goes to the more specific PCI match, then the higher version, then the name.
        --dry-run prints the plan and changes nothing (with --format table, as a
        table). A refused variant does not stop the others. A driver an administrator
        deselected is left alone until it is selected again, unless
        --include-deselected; a variant that used up a trial's tries on this host
        is passed over, and a driver on a pending trial is left alone. With --trial
        [--tries N] everything it selects is one trial, rolled back together.

        {OPTIONS}
        """;

    public const string Verify = """
        Usage: driver-tool [OPTIONS] verify [NAME] [--repair]

        Reports dangling links, drivers whose links point at different variants,
        a leftover journal or staged link, links into a variant without a valid
        info.json, links written with an absolute target (as xcp.dmv writes them),
        a depmod configuration without "exclude dmv", and a modules.dep that indexes
        dmv/. --repair removes staged links, journal temporaries and dangling links
        into dmv/, makes absolute links relative, writes
        /etc/depmod.d/driver-tool.conf and runs depmod for a kernel whose modules.dep
        indexes dmv/; a half-switched driver needs a select. A NAME that is neither
        installed nor a folder with links left is ENOENT.
        Exit status 0 when the tree is clean (after repair), EUCLEAN (117) otherwise.
        With --format table the problems are a list, one a line.

        {OPTIONS}
        """;

    public const string Inspect = """
        Usage: driver-tool [OPTIONS] inspect FILE...
               driver-tool [OPTIONS] [--kernel K] inspect NAME...

        Reads each module file (plain, or compressed .ko.gz / .ko.xz / .ko.zst — xz
        and zstd through the system's liblzma.so.5 and libzstd.so.1) and prints its
        notes (section, owner, type, descriptor), .modinfo fields (repeated keys such
        as alias as lists), vermagic, depends, the size of __versions and the appended
        signature (id type, signer, sig_key, sig_hashalgo, as modinfo shows them).
        With --trusted-keys DIR each signature is also verified. A file that cannot be
        read is reported on its own line; the others are still printed; the exit
        status is then ENOENT or ENOEXEC.

        An argument without '/' that is no file here is a module name, looked up as
        modinfo does (modules.dep, then the module folder): in kernel K with
        --kernel K, else in the running kernel; under --root, in --running-kernel
        if given, else in the newest kernel installed there.

        {OPTIONS}
        """;

    public const string Explain = """
        Usage: driver-tool [OPTIONS] explain NAME

        For each variant of driver NAME: which present PCI device matched which of
        its ids (or none), each module's signature verdict under the policy, kABI
        compatibility per kernel (compatible, incompatible, or not-possible when no
        Module.symvers is installed), its priority, and whether select would accept it
        and why not. best_eligible_choice is what auto-select would take.

        With --format table: one row per variant (eligible, or why not, in one
        line), then per variant its PCI matches and one line per kernel with its
        kABI verdict and signatures; "auto-select's choice" only on a driver with
        nothing selected, where auto-select would act.

        {OPTIONS}
        """;

    public const string Kernels = """
        Usage: driver-tool [OPTIONS] kernels [--kernel K]

        For every release under /lib/modules and every /boot/vmlinuz-*: whether it
        is running, its image and module folder, how many modules, its DMV drivers,
        variants and selections, where its configuration came from (/boot/config-K,
        /lib/modules/K/config, build/.config, /proc/config.gz, or the IKCONFIG block
        inside the image's gzip/xz/zstd payload), the Xen guest type derived from it
        (pv_only only for CONFIG_X86_XEN / CONFIG_X86_64_XEN; null when there is no
        configuration — never a guess from xennet.ko), boots_on, the symbol list used
        by the kABI check, and module signing settings.

        {OPTIONS}
        """;

    public const string Reconcile = """
        Usage: driver-tool [OPTIONS] reconcile [NAME...] [--pending]

        Keeps drivers' selections valid after packages installed, upgraded or removed
        their variants: a selected variant that is still there is re-pointed (its
        files may have moved; the selection is read from its links even when they
        dangle), one that is gone is deselected, and a driver left with nothing
        selected gets auto-select's choice (not a driver an administrator deselected,
        unless --include-deselected). The hooks then run once for every kernel
        changed. --pending takes the drivers recorded in /var/lib/driver-tool/pending
        by the RPM macros (see /usr/lib/rpm/macros.d/macros.driver-tool).

        An unknown NAME (no variants and no links of it) is ENOENT, as for select.
        With --format table one line per driver, then the hooks.

        {OPTIONS}
        """;

    public const string History = """
        Usage: driver-tool [OPTIONS] history [NAME] [--limit N]

        The switches recorded in /var/lib/driver-tool/history.jsonl, newest first:
        time, id, operation (select, deselect, relink), driver, variant, the kernels
        changed and the files moved aside. With NAME only that driver's (ENOENT for
        a name neither installed nor in the history); with --limit N at most N.
        --format table prints one row per switch.

        {OPTIONS}
        """;

    public const string Trial = """
        Usage: driver-tool [OPTIONS] trial
               driver-tool [OPTIONS] trial confirm [--force]
               driver-tool [OPTIONS] trial rollback|settle [--no-initrd]
               driver-tool [OPTIONS] trial enable|disable [--boot-config FILE]

        A selection made with select --trial or auto-select --trial is on trial:
        grub counts each boot in grubenv before the kernel starts (dt_trial,
        dt_tries, dt_id) and passes rd.driver_tool.trial=ID to the kernel; the
        initrd loads the variant only with that token. When the tries are used up,
        or grub cannot save the count, or the token is missing, the boot falls back
        to the previous selection, and the host's driver-tool-trial-settle.service
        rolls the links back, marks the variant "failed to boot on this host"
        (auto-select and reconcile pass it over, explain says why, until it is
        selected explicitly) and rebuilds the initrd.

        trial            the last trial: id, state (pending, good, rolled-back),
                         tries left, drivers with variant and previous, reason
        trial confirm    keep the variants: each must be active in a boot that
                         tried the trial (EAGAIN otherwise); --force confirms anyway.
                         driver-tool-trial-confirm.service runs it once the host is up
        trial rollback   switch back now and stop grub counting
        trial settle     what the early boot unit runs: after a boot that fell
                         back, roll the host back; safe to run again
        trial enable     prepare grub: write driver-tool-trial.cfg beside grub.cfg,
                         source it before the first menu entry, and add ${dt_args}
                         to every dom0 kernel line (idempotent; grub-script-check
                         accepts the result)
        trial disable    undo trial enable (EBUSY while a trial is pending)

        A trial needs grub.cfg prepared and grubenv on a file system grub can write
        (FAT, ext2/3/4, XFS; not md RAID or LVM): otherwise EOPNOTSUPP (95). One
        trial at a time: EBUSY (16) while one is pending. A variant that hangs
        instead of panicking needs a watchdog (or a BMC) to reset the host; the
        try was counted before the kernel started.

        {OPTIONS}
        """;

    public const string Help = """
        Usage: driver-tool help [COMMAND]
               driver-tool --help [COMMAND], driver-tool COMMAND --help

        Prints the general help, or the help of COMMAND.
        """;

    public const string Version = """
        Usage: driver-tool version
               driver-tool --version, driver-tool -V

        Prints "driver-tool X.Y.Z".
        """;

    public const string Completion = """
        Usage: driver-tool completion bash

        Prints the bash completion script (commands, options, their values, driver and
        variant names), made from the same table as the parser and this help; the
        package installs it as /usr/share/bash-completion/completions/driver-tool.
        """;
}
