namespace Dmv.Cli.CommandLine;

/// <summary>What completion offers after an option that takes a value.</summary>
internal enum ValueCompletion
{
    None,
    Directory,
    File,
    Words,
    Kernel,
}

/// <summary>
/// One long option: its name, its value's placeholder (null for a flag), the commands it applies to
/// (empty: every command), the line --help gives it, and what completion offers for its value.
/// </summary>
internal sealed record OptionSpec(string Name, string? Value, CommandKind[] Commands, string Help, ValueCompletion Completion = ValueCompletion.None, string[]? Words = null)
{
    public bool TakesValue => Value is not null;

    public bool AppliesTo(CommandKind command) => Commands.Length == 0 || Array.IndexOf(Commands, command) >= 0;

    /// <summary>"--root DIR", "--strict": as usage lines show it.</summary>
    public string Usage => Value is null ? Name : $"{Name} {Value}";
}

/// <summary>
/// Every command word and long option, declared once: the parser, every --help, the man-page check
/// and the completion script (driver-tool completion bash) all read this table.
/// </summary>
internal static class OptionTable
{
    private static readonly CommandKind[] Switching = [CommandKind.Select, CommandKind.Deselect, CommandKind.AutoSelect, CommandKind.Reconcile, CommandKind.Trial];
    private static readonly CommandKind[] Judging = [CommandKind.Select, CommandKind.AutoSelect, CommandKind.Verify, CommandKind.Explain, CommandKind.Reconcile];

    public static readonly OptionSpec[] Options =
    [
        new("--root", "DIR", [], "operate on the system mounted at DIR; every path, link target included, stays inside DIR", ValueCompletion.Directory),
        new("--lspci", "FILE", [], "read PCI devices from `lspci -nm` output in FILE ('-' for standard input) instead of sysfs", ValueCompletion.File),
        new("--format", "json|table", [], "reply as JSON (default, for programs; indented at a terminal) or for a person; DRIVER_TOOL_FORMAT sets the default", ValueCompletion.Words, ["json", "table"]),
        new("--strict", null, [], "a problem in the tree fails the command (EUCLEAN)"),
        new("--running-kernel", "K", [], "treat K as the running kernel (with --root); K must be installed", ValueCompletion.Kernel),
        new("--lock-timeout", "SECONDS", [], "how long a command waits for another one's switch (default 30)"),
        new("--dry-run", null, [CommandKind.AutoSelect], "auto-select: print the plan, change nothing"),
        new("--include-deselected", null, [CommandKind.AutoSelect, CommandKind.Reconcile], "auto-select, reconcile: also drivers an administrator deselected (otherwise left alone until selected again)"),
        new("--repair", null, [CommandKind.Verify], "verify: mend what is safe to mend"),
        new("--force", null, [CommandKind.Select, CommandKind.AutoSelect, CommandKind.Reconcile, CommandKind.Trial], "select without matching hardware; move a foreign file in updates/ aside instead of refusing; trial confirm: confirm untried"),
        new("--no-hooks", null, Switching, "after a switch, run neither depmod, weak-modules nor dracut"),
        new("--no-initrd", null, Switching, "do not rebuild the initrd"),
        new("--initrd", null, Switching, "under --root, rebuild the initrd too (chroot dracut)"),
        new("--signatures", "enforce|warn|off", Judging, "what select does with an unsigned, untrusted or tampered module (default: enforce when trusted certificates exist, off otherwise)", ValueCompletion.Words, ["enforce", "warn", "off"]),
        new("--trusted-keys", "DIR", [.. Judging, CommandKind.Inspect], "the trusted X.509 certificates (DER or PEM), default /etc/driver-tool/trusted-keys/ in the root", ValueCompletion.Directory),
        new("--pending", null, [CommandKind.Reconcile], "reconcile: the drivers recorded by package scriptlets"),
        new("--kernel", "K", [CommandKind.Inspect, CommandKind.Kernels], "inspect: look module names up in kernel K; kernels: report kernel K only", ValueCompletion.Kernel),
        new("--limit", "N", [CommandKind.History], "history: at most N records, the newest"),
        new("--trial", null, [CommandKind.Select, CommandKind.AutoSelect], "select, auto-select: make the selection on trial: grub counts the boots, and a host that never confirms one comes up on the previous selection"),
        new("--tries", "N", [CommandKind.Select, CommandKind.AutoSelect], "with --trial: the boots the trial gets (1-9, default 3)", ValueCompletion.Words, ["1", "2", "3", "4", "5", "6", "7", "8", "9"]),
        new("--boot-config", "FILE", [CommandKind.Select, CommandKind.AutoSelect, CommandKind.Trial], "grub.cfg when it is not /boot/efi/EFI/xenserver/grub.cfg, /boot/grub/grub.cfg or /boot/grub2/grub.cfg", ValueCompletion.File),
        new("--help", null, [], "print the help, general or of the command"),
    ];

    /// <summary>The command words, each with the command it names.</summary>
    public static readonly (string Word, CommandKind Command)[] Words =
    [
        ("list", CommandKind.List),
        ("select", CommandKind.Select),
        ("deselect", CommandKind.Deselect),
        ("auto-select", CommandKind.AutoSelect),
        ("verify", CommandKind.Verify),
        ("inspect", CommandKind.Inspect),
        ("explain", CommandKind.Explain),
        ("kernels", CommandKind.Kernels),
        ("reconcile", CommandKind.Reconcile),
        ("history", CommandKind.History),
        ("trial", CommandKind.Trial),
        ("completion", CommandKind.Completion),
        ("help", CommandKind.Help),
        ("version", CommandKind.Version),
    ];

    /// <summary>What <c>trial</c> does besides printing the record.</summary>
    public static readonly string[] TrialActions = ["confirm", "rollback", "settle", "enable", "disable", "boot"];

    /// <summary>The short options of the callers' syntax.</summary>
    public static readonly string[] ShortOptions = ["-l", "-s", "-h", "-V", "-d", "-n", "-v"];

    public static OptionSpec? Find(string name) => Array.Find(Options, o => o.Name == name);

    public static CommandKind? Command(string word)
    {
        foreach ((string name, CommandKind command) in Words)
        {
            if (name == word)
            {
                return command;
            }
        }

        return null;
    }

    public static string WordOf(CommandKind command)
    {
        foreach ((string name, CommandKind kind) in Words)
        {
            if (kind == command)
            {
                return name;
            }
        }

        return "help";
    }

    /// <summary>The long options <paramref name="command"/> accepts, in the table's order.</summary>
    public static List<OptionSpec> Of(CommandKind command) => Options.Where(o => o.AppliesTo(command)).ToList();
}
