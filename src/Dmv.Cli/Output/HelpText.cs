namespace Dmv.Cli.Output;

/// <summary>The text of --help, general and per command.</summary>
public static class HelpText
{
    public const string General = """
        Usage: driver-tool [OPTIONS] COMMAND

        Manages multi-version kernel drivers (DMV): the approved variants of a driver
        kept under /lib/modules/<kernel>/dmv/, which one is selected, and which is active.

        Commands:
          -l, list               list every driver, its variants, hardware match,
                                 selected and active variant (JSON)
          -V, --version          print the version
          -h, --help [COMMAND]   print this help, or the help of COMMAND

        Options:
          --root DIR             operate on the system mounted at DIR; every path,
                                 link target included, stays inside DIR
          --lspci FILE           read PCI devices from `lspci -nm` output in FILE
                                 ('-' for standard input) instead of sysfs
          --format json|table    reply as JSON (default, for programs) or as a table
          --strict               a problem in the tree fails the command (EUCLEAN)
                                 instead of being a warning
          --running-kernel K     treat K as the running kernel (with --root)

        Exit status: 0 on success, otherwise an errno value (EINVAL 22 for a bad
        command line, ENOENT 2, EACCES 13, EUCLEAN 117 for --strict, EIO 5), with
        {"version": 0.1, "exit_code": E, "message": "..."} on standard output.
        """;

    public const string List = """
        Usage: driver-tool [OPTIONS] -l
               driver-tool [OPTIONS] list

        Lists every DMV driver found under /lib/modules/*/dmv/ (all kernels), with
        per variant its version, priority, status and whether matching PCI hardware
        is present; per driver the selected variant (what updates/ links point at),
        the active one (what the loaded module's .note.XenServer names) and the
        loaded modules. operation.reboot is true when what will load at the next
        boot differs from what is loaded now.

        Kernels are consulted running kernel first, then newest first; a driver
        found in several kernels is merged, selected/active from the first kernel
        that has one.

        Options: --root DIR, --lspci FILE|-, --format json|table, --strict,
                 --running-kernel K (see driver-tool --help).

        Problems in the tree (a malformed info.json, a broken link, an unreadable
        folder) are reported one a line on standard error and the rest is listed;
        with --strict they fail the command with EUCLEAN (117).
        """;

    public static string? For(string? topic) => topic switch
    {
        null => General,
        "list" or "-l" => List,
        _ => null,
    };
}
