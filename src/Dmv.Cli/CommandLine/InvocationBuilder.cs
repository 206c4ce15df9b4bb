using System.Globalization;

namespace Dmv.Cli.CommandLine;

/// <summary>
/// A parsed command line checked as a whole: the command's names or files, every option given one
/// the command takes (<see cref="OptionTable"/>), each value well formed, no two options that
/// contradict each other. Each rule is one step; the first that fails says why.
/// </summary>
internal static class InvocationBuilder
{
    public static bool TryBuild(ParsedLine line, out Invocation invocation, [NotNullWhen(false)] out UsageError? error)
    {
        invocation = null!;
        if (line.HelpRequested || line.Command == CommandKind.Help)
        {
            return TryBuildHelp(line, out invocation, out error);
        }

        if (line.Command == CommandKind.None)
        {
            error = new UsageError(line.FlagName is not null || line.FlagVariant is not null
                ? "'-n' and '-v' need '-s' (select)"
                : "no command given (try 'driver-tool -l' or 'driver-tool --help')");
            return false;
        }

        var names = new Names(line.FlagName, line.FlagVariant, [], null);
        OutputFormat format = OutputFormat.Json;
        TimeSpan lockTimeout = default;
        int? limit = null, tries = null;
        error = TakeNames(line, ref names)
            ?? CheckScope(line)
            ?? CheckTrial(line, names.TrialAction)
            ?? CheckValues(line, out format, out lockTimeout, out limit, out tries);
        if (error is not null)
        {
            return false;
        }

        invocation = new Invocation(line.Command)
        {
            Driver = names.Driver,
            Variant = names.Variant,
            Root = line.Value("--root"),
            Lspci = line.Value("--lspci"),
            Format = format,
            Strict = line.Has("--strict"),
            RunningKernel = line.Value("--running-kernel"),
            Force = line.Has("--force"),
            NoHooks = line.Has("--no-hooks"),
            NoInitrd = line.Has("--no-initrd"),
            Initrd = line.Has("--initrd"),
            DryRun = line.Has("--dry-run"),
            IncludeDeselected = line.Has("--include-deselected"),
            Repair = line.Has("--repair"),
            LockTimeout = lockTimeout,
            Files = names.Files,
            Kernel = line.Value("--kernel"),
            Signatures = line.Value("--signatures"),
            TrustedKeys = line.Value("--trusted-keys"),
            Pending = line.Has("--pending"),
            Limit = limit,
            Trial = line.Has("--trial"),
            Tries = tries,
            BootConfig = line.Value("--boot-config"),
            TrialAction = names.TrialAction,
        };
        return true;
    }

    private record struct Names(string? Driver, string? Variant, List<string> Files, string? TrialAction);

    private static bool TryBuildHelp(ParsedLine line, out Invocation invocation, [NotNullWhen(false)] out UsageError? error)
    {
        invocation = null!;
        var topic = new List<string>();
        if (line.Command is not CommandKind.None and not CommandKind.Help)
        {
            topic.Add(OptionTable.WordOf(line.Command));
        }

        topic.AddRange(line.Positional);
        error = topic.Count > 1 ? new UsageError("help takes at most one command name") : null;
        invocation = new Invocation(CommandKind.Help) { HelpTopic = topic.Count == 1 ? topic[0] : null };
        return error is null;
    }

    /// <summary>The words after the command: a driver and variant, files, names, or a trial action, as the command takes them.</summary>
    private static UsageError? TakeNames(ParsedLine line, ref Names names)
    {
        List<string> positional = line.Positional;
        string? Next()
        {
            string? word = positional.Count > 0 ? positional[0] : null;
            if (word is not null)
            {
                positional.RemoveAt(0);
            }

            return word;
        }

        switch (line.Command)
        {
            case CommandKind.Select:
                names.Driver ??= Next();
                names.Variant ??= Next();
                if (names.Driver is null || names.Variant is null)
                {
                    return new UsageError("select needs a driver and a variant: -s -n NAME -v VARIANT, or select NAME VARIANT");
                }

                break;
            case CommandKind.Deselect:
                if ((names.Driver ??= Next()) is null)
                {
                    return new UsageError("deselect needs a driver: -d NAME, or deselect NAME");
                }

                break;
            case CommandKind.Explain:
                if ((names.Driver ??= Next()) is null)
                {
                    return new UsageError("explain needs a driver name");
                }

                break;
            case CommandKind.Verify or CommandKind.History:
                names.Driver ??= Next();
                break;
            case CommandKind.List:
            case CommandKind.Reconcile:
            case CommandKind.Inspect:
                names.Files = [.. positional];
                positional.Clear();
                if (line.Command == CommandKind.Reconcile && names.Files.Count == 0 && !line.Has("--pending"))
                {
                    return new UsageError("reconcile needs driver names, or --pending");
                }

                if (line.Command == CommandKind.Inspect && names.Files.Count == 0)
                {
                    return new UsageError("inspect needs at least one module file or name");
                }

                break;
            case CommandKind.Trial when positional.Count > 0:
                names.TrialAction = Next();
                if (!OptionTable.TrialActions.Contains(names.TrialAction))
                {
                    return new UsageError($"unknown trial action '{names.TrialAction}' ({string.Join(", ", OptionTable.TrialActions)})" + Suggestions.DidYouMean(names.TrialAction!, OptionTable.TrialActions));
                }

                break;
            case CommandKind.Completion:
                if (Next() is not "bash")
                {
                    return new UsageError("completion takes the shell: completion bash");
                }

                break;
        }

        if ((line.FlagName is not null || line.FlagVariant is not null) && line.Command is not (CommandKind.Select or CommandKind.Deselect)
            || line.FlagVariant is not null && line.Command == CommandKind.Deselect)
        {
            return new UsageError($"'-n'/'-v' do not apply to '{line.CommandToken}'");
        }

        return positional.Count > 0 ? new UsageError($"unexpected argument '{positional[0]}' for '{line.CommandToken}'") : null;
    }

    /// <summary>Every option given is one the command takes, and none with a value has an empty one.</summary>
    private static UsageError? CheckScope(ParsedLine line)
    {
        foreach (string name in line.Values.Keys.Concat(line.Flags))
        {
            if (!OptionTable.Find(name)!.AppliesTo(line.Command))
            {
                return new UsageError($"option '{name}' does not apply to '{line.CommandToken}'");
            }
        }

        foreach (string name in new[] { "--root", "--lspci", "--running-kernel", "--kernel", "--trusted-keys", "--boot-config" })
        {
            if (line.Value(name) is { Length: 0 })
            {
                return new UsageError($"option '{name}' needs a non-empty value");
            }
        }

        return line.Has("--initrd") && line.Has("--no-initrd") ? new UsageError("'--initrd' and '--no-initrd' contradict each other") : null;
    }

    /// <summary>--trial, --tries and --boot-config, and the trial actions' own options, each only where it means something.</summary>
    private static UsageError? CheckTrial(ParsedLine line, string? action)
    {
        bool trial = line.Has("--trial");
        if (line.Value("--tries") is not null && !trial)
        {
            return new UsageError("--tries needs --trial");
        }

        if (trial && line.Has("--dry-run"))
        {
            return new UsageError("'--trial' and '--dry-run' contradict each other: a dry run arms nothing");
        }

        if (line.Value("--boot-config") is not null && !(trial || action is "enable" or "disable"))
        {
            return new UsageError(line.Command == CommandKind.Trial
                ? "--boot-config applies to 'trial enable' and 'trial disable' (a trial keeps the grub.cfg it was armed with)"
                : "--boot-config needs --trial");
        }

        if (line.Command != CommandKind.Trial)
        {
            return null;
        }

        if (line.Has("--force") && action != "confirm")
        {
            return new UsageError("--force applies to 'trial confirm' only");
        }

        // Only the actions that switch links or rebuild the initrd run hooks: on the others a hook option would be silently ignored.
        string? hookOption = Array.Find(["--no-hooks", "--no-initrd", "--initrd"], line.Has);
        return hookOption is not null && action is not ("confirm" or "rollback" or "settle" or "boot")
            ? new UsageError($"option '{hookOption}' applies to 'trial confirm', 'trial rollback', 'trial settle' and 'trial boot'")
            : null;
    }

    private static UsageError? CheckValues(ParsedLine line, out OutputFormat format, out TimeSpan lockTimeout, out int? limit, out int? tries)
    {
        format = OutputFormat.Json;
        lockTimeout = TimeSpan.FromSeconds(30);
        tries = null;
        UsageError? error = line.Number("--limit", 1, int.MaxValue, out limit) ?? line.Number("--tries", 1, 9, out tries);
        if (error is not null)
        {
            return error;
        }

        if (line.Value("--signatures") is { } policy && policy is not ("enforce" or "warn" or "off"))
        {
            return new UsageError($"--signatures takes enforce, warn or off, not '{policy}'");
        }

        string? formatText = line.Value("--format");
        bool fromEnvironment = formatText is null && Environment.GetEnvironmentVariable(ArgumentParser.FormatVariable) is { Length: > 0 };
        formatText ??= fromEnvironment ? Environment.GetEnvironmentVariable(ArgumentParser.FormatVariable) : null;
        switch (formatText)
        {
            case null or "json":
                break;
            case "table":
                format = OutputFormat.Table;
                break;
            default:
                return new UsageError($"unknown format '{formatText}' (json or table)" + (fromEnvironment ? $", from {ArgumentParser.FormatVariable}" : ""));
        }

        if (line.Value("--lock-timeout") is { } seconds)
        {
            if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0 || value > 86400 || double.IsNaN(value))
            {
                return new UsageError($"--lock-timeout takes seconds from 0 to 86400, not '{seconds}'");
            }

            lockTimeout = TimeSpan.FromSeconds(value);
        }

        return null;
    }
}
