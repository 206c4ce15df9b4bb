namespace Dmv.Cli.CommandLine;

/// <summary>A parsed command line: the command, its names, and the options that apply to it.</summary>
internal sealed record Invocation(CommandKind Command)
{
    public string? Driver { get; init; }
    public string? Variant { get; init; }
    public string? Root { get; init; }
    public string? Lspci { get; init; }
    public OutputFormat Format { get; init; } = OutputFormat.Json;
    public bool Strict { get; init; }
    public string? RunningKernel { get; init; }
    public string? HelpTopic { get; init; }
    public bool Force { get; init; }
    public bool NoHooks { get; init; }
    public bool NoInitrd { get; init; }
    public bool Initrd { get; init; }
    public bool DryRun { get; init; }

    /// <summary>auto-select, reconcile: also the drivers an administrator deselected.</summary>
    public bool IncludeDeselected { get; init; }
    public bool Repair { get; init; }
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(30);
    public IReadOnlyList<string> Files { get; init; } = [];
    public string? Kernel { get; init; }
    public string? Signatures { get; init; }
    public string? TrustedKeys { get; init; }
    public bool Pending { get; init; }

    /// <summary>history: at most this many records.</summary>
    public int? Limit { get; init; }

    /// <summary>select, auto-select: make the selection on trial.</summary>
    public bool Trial { get; init; }

    /// <summary>With --trial: the boots grub gives the trial (default 3).</summary>
    public int? Tries { get; init; }

    /// <summary>grub.cfg (a path on the managed system) when it is not where XenServer keeps it.</summary>
    public string? BootConfig { get; init; }

    /// <summary>trial: confirm, rollback, settle, enable, disable or boot; null prints the record.</summary>
    public string? TrialAction { get; init; }
}
