using System.Globalization;

namespace Dmv.Cli.CommandLine;

/// <summary>
/// Parses the callers' flag syntax (<c>-l</c>, <c>-s -n NAME -v VARIANT</c>, <c>-d NAME</c>) and the
/// command words (<c>list</c>, <c>select NAME VARIANT</c>, …), with options before or after the
/// command, as <c>--opt VALUE</c> or <c>--opt=VALUE</c>. A bad command line is an error with a
/// one-line reason, never a guess.
/// </summary>
public static class ArgumentParser
{
    private static readonly string[] ValueOptions = ["--root", "--lspci", "--format", "--running-kernel", "--lock-timeout", "--kernel", "--signatures", "--trusted-keys", "--limit", "--tries", "--boot-config"];
    private static readonly string[] Flags = ["--strict", "--help", "--version", "--list", "--force", "--no-hooks", "--no-initrd", "--initrd", "--dry-run", "--repair", "--pending", "--include-deselected", "--trial"];

    private static readonly Dictionary<string, CommandKind> Words = new(StringComparer.Ordinal)
    {
        ["list"] = CommandKind.List,
        ["select"] = CommandKind.Select,
        ["deselect"] = CommandKind.Deselect,
        ["auto-select"] = CommandKind.AutoSelect,
        ["verify"] = CommandKind.Verify,
        ["inspect"] = CommandKind.Inspect,
        ["explain"] = CommandKind.Explain,
        ["kernels"] = CommandKind.Kernels,
        ["reconcile"] = CommandKind.Reconcile,
        ["history"] = CommandKind.History,
        ["trial"] = CommandKind.Trial,
        ["help"] = CommandKind.Help,
        ["version"] = CommandKind.Version,
    };

    /// <summary>The options each command accepts besides --root, --format, --strict, --running-kernel, --lspci and --help.</summary>
    private static readonly Dictionary<string, CommandKind[]> OptionScope = new(StringComparer.Ordinal)
    {
        ["--force"] = [CommandKind.Select, CommandKind.AutoSelect, CommandKind.Reconcile, CommandKind.Trial],
        ["--no-hooks"] = [CommandKind.Select, CommandKind.Deselect, CommandKind.AutoSelect, CommandKind.Reconcile, CommandKind.Trial],
        ["--no-initrd"] = [CommandKind.Select, CommandKind.Deselect, CommandKind.AutoSelect, CommandKind.Reconcile, CommandKind.Trial],
        ["--initrd"] = [CommandKind.Select, CommandKind.Deselect, CommandKind.AutoSelect, CommandKind.Reconcile, CommandKind.Trial],
        ["--trial"] = [CommandKind.Select, CommandKind.AutoSelect],
        ["--pending"] = [CommandKind.Reconcile],
        ["--dry-run"] = [CommandKind.AutoSelect],
        ["--include-deselected"] = [CommandKind.AutoSelect, CommandKind.Reconcile],
        ["--repair"] = [CommandKind.Verify],
    };

    /// <summary>The options every command accepts.</summary>
    private static readonly string[] CommonOptions = ["--root", "--format", "--strict", "--running-kernel", "--lspci", "--lock-timeout", "--help"];

    /// <summary>The command words, for --help and for suggestions.</summary>
    public static IReadOnlyCollection<string> CommandWords => Words.Keys;

    /// <summary>Every long option of any command.</summary>
    public static IReadOnlyList<string> LongOptions => [.. ValueOptions, .. Flags];

    /// <summary>The format when --format is not given: DRIVER_TOOL_FORMAT (json or table), else JSON.</summary>
    public const string FormatVariable = "DRIVER_TOOL_FORMAT";

    /// <summary>
    /// Every long option the parser accepts for <paramref name="command"/> (a command word): the
    /// common ones, then the command's own. Each command's --help and the man page name each of them
    /// (tests/Dmv.Cli.Tests/HelpTests.cs checks it, probing the parser itself).
    /// </summary>
    public static IReadOnlyList<string> OptionsOf(string command)
    {
        if (!Words.TryGetValue(command, out CommandKind kind) || kind is CommandKind.Help or CommandKind.Version)
        {
            return [];
        }

        var options = new List<string>(CommonOptions);
        foreach ((string option, CommandKind[] scope) in OptionScope)
        {
            if (scope.Contains(kind))
            {
                options.Add(option);
            }
        }

        if (SignatureCommands(kind, "--signatures")) options.Add("--signatures");
        if (SignatureCommands(kind, "--trusted-keys")) options.Add("--trusted-keys");
        if (kind is CommandKind.Inspect or CommandKind.Kernels) options.Add("--kernel");
        if (kind is CommandKind.History) options.Add("--limit");
        if (kind is CommandKind.Select or CommandKind.AutoSelect) options.Add("--tries");
        if (kind is CommandKind.Select or CommandKind.AutoSelect or CommandKind.Trial) options.Add("--boot-config");
        return options;
    }

    private static bool SignatureCommands(CommandKind kind, string name) =>
        kind is CommandKind.Select or CommandKind.AutoSelect or CommandKind.Verify or CommandKind.Explain or CommandKind.Reconcile
        || (kind == CommandKind.Inspect && name == "--trusted-keys");

    /// <summary>
    /// The format a command line asks for, read before (and whether or not) it parses, so that even a
    /// bad command line with --format table is answered for a person.
    /// </summary>
    public static OutputFormat RequestedFormat(IReadOnlyList<string> args)
    {
        string? text = Environment.GetEnvironmentVariable(FormatVariable);
        for (int i = 0; i < args.Count; i++)
        {
            if (args[i] == "--")
            {
                break;
            }

            if (args[i] == "--format" && i + 1 < args.Count)
            {
                text = args[i + 1];
            }
            else if (args[i].StartsWith("--format=", StringComparison.Ordinal))
            {
                text = args[i]["--format=".Length..];
            }
        }

        return text == "table" ? OutputFormat.Table : OutputFormat.Json;
    }

    public static bool TryParse(IReadOnlyList<string> args, out Invocation invocation, out UsageError? error)
    {
        invocation = null!;
        var state = new ParseState();
        for (int i = 0; i < args.Count; i++)
        {
            string token = args[i];
            if (token == "--")
            {
                state.Positional.AddRange(args.Skip(i + 1));
                break;
            }

            error = token.StartsWith("--", StringComparison.Ordinal) ? LongOption(args, ref i, state)
                : token.Length > 1 && token[0] == '-' ? ShortOption(args, ref i, state)
                : Word(token, state);
            if (error is not null)
            {
                return false;
            }
        }

        return TryBuild(state, out invocation, out error);
    }

    private sealed class ParseState
    {
        public CommandKind Command { get; set; }
        public string? CommandToken { get; set; }
        public bool HelpRequested { get; set; }
        public string? FlagName { get; set; }
        public string? FlagVariant { get; set; }
        public List<string> Positional { get; } = new();
        public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
        public HashSet<string> SetFlags { get; } = new(StringComparer.Ordinal);
    }

    private static UsageError? LongOption(IReadOnlyList<string> args, ref int i, ParseState state)
    {
        string token = args[i];
        string name = token;
        string? inline = null;
        int equals = token.IndexOf('=');
        if (equals > 0)
        {
            name = token[..equals];
            inline = token[(equals + 1)..];
        }

        if (ValueOptions.Contains(name))
        {
            if (inline is null && (i + 1 >= args.Count || IsOption(args[i + 1])))
            {
                // "--root -l" is a forgotten value, not a root named "-l".
                return new UsageError(i + 1 >= args.Count ? $"{name} needs a value" : $"{name} needs a value ('{args[i + 1]}' is an option; use {name}=VALUE for a value starting with '-')");
            }

            string value = inline ?? args[++i];

            return state.Values.TryAdd(name, value) ? null : new UsageError($"option '{name}' is given twice");
        }

        if (!Flags.Contains(name))
        {
            return new UsageError($"unknown option '{name}'" + Suggestions.DidYouMean(name, LongOptions));
        }

        if (inline is not null)
        {
            return new UsageError($"option '{name}' takes no value");
        }

        switch (name)
        {
            case "--help":
                state.HelpRequested = true;
                return null;
            case "--version":
                return SetCommand(CommandKind.Version, token, state);
            case "--list":
                return SetCommand(CommandKind.List, token, state);
            default:
                state.SetFlags.Add(name);
                return null;
        }
    }

    private static UsageError? ShortOption(IReadOnlyList<string> args, ref int i, ParseState state)
    {
        string token = args[i];
        switch (token)
        {
            case "-l":
                return SetCommand(CommandKind.List, token, state);
            case "-s":
                return SetCommand(CommandKind.Select, token, state);
            case "-h":
                state.HelpRequested = true;
                return null;
            case "-V":
                return SetCommand(CommandKind.Version, token, state);
            case "-d":
            case "-n":
            case "-v":
                if (i + 1 >= args.Count || IsOption(args[i + 1]))
                {
                    return new UsageError($"{token} needs a value" + (i + 1 < args.Count ? $" ('{args[i + 1]}' is an option)" : ""));
                }

                string value = args[++i];
                if (token == "-v")
                {
                    if (state.FlagVariant is not null)
                    {
                        return new UsageError("option '-v' is given twice");
                    }

                    state.FlagVariant = value;
                    return null;
                }

                if (state.FlagName is not null)
                {
                    return new UsageError($"the driver name is given twice ('{state.FlagName}' and '{value}')");
                }

                state.FlagName = value;
                return token == "-d" ? SetCommand(CommandKind.Deselect, token, state) : null;
            default:
                return new UsageError($"unknown option '{token}'" + Suggestions.DidYouMean(token, ["-l", "-s", "-d", "-n", "-v", "-h", "-V", .. LongOptions]));
        }
    }

    private static readonly string[] ShortOptions = ["-l", "-s", "-h", "-V", "-d", "-n", "-v"];

    /// <summary>A token that is one of our options (so not the value of the option before it).</summary>
    private static bool IsOption(string token)
    {
        if (ShortOptions.Contains(token))
        {
            return true;
        }

        int equals = token.IndexOf('=');
        string name = equals > 0 ? token[..equals] : token;
        return name.StartsWith("--", StringComparison.Ordinal) && (ValueOptions.Contains(name) || Flags.Contains(name));
    }

    private static UsageError? Word(string token, ParseState state)
    {
        if (state.Command == CommandKind.None && Words.TryGetValue(token, out CommandKind kind))
        {
            return SetCommand(kind, token, state);
        }

        if (state.Command == CommandKind.None && !state.HelpRequested)
        {
            string suggestion = Suggestions.DidYouMean(token, Words.Keys);
            return new UsageError($"unknown command '{token}'" + (suggestion.Length > 0 ? suggestion : " (see 'driver-tool --help')"));
        }

        state.Positional.Add(token);
        return null;
    }

    private static UsageError? SetCommand(CommandKind kind, string token, ParseState state)
    {
        if (state.Command != CommandKind.None && state.Command != kind)
        {
            return new UsageError($"'{token}' cannot be combined with '{state.CommandToken}'");
        }

        state.Command = kind;
        state.CommandToken = token;
        return null;
    }

    private static bool TryBuild(ParseState state, out Invocation invocation, out UsageError? error)
    {
        invocation = null!;
        error = null;
        if (state.HelpRequested || state.Command == CommandKind.Help)
        {
            var topic = new List<string>();
            if (state.Command is not CommandKind.None and not CommandKind.Help)
            {
                topic.Add(CommandWord(state.Command));
            }

            topic.AddRange(state.Positional);
            if (topic.Count > 1)
            {
                error = new UsageError("help takes at most one command name");
                return false;
            }

            invocation = new Invocation(CommandKind.Help) { HelpTopic = topic.Count == 1 ? topic[0] : null };
            return true;
        }

        if (state.Command == CommandKind.None)
        {
            error = new UsageError(state.FlagName is not null || state.FlagVariant is not null
                ? "'-n' and '-v' need '-s' (select)"
                : "no command given (try 'driver-tool -l' or 'driver-tool --help')");
            return false;
        }

        string? driver = state.FlagName;
        string? variant = state.FlagVariant;
        List<string> positional = state.Positional;
        switch (state.Command)
        {
            case CommandKind.Select:
                if (driver is null && positional.Count > 0) { driver = positional[0]; positional.RemoveAt(0); }
                if (variant is null && positional.Count > 0) { variant = positional[0]; positional.RemoveAt(0); }
                if (driver is null || variant is null)
                {
                    error = new UsageError("select needs a driver and a variant: -s -n NAME -v VARIANT, or select NAME VARIANT");
                    return false;
                }

                break;
            case CommandKind.Deselect:
                if (driver is null && positional.Count > 0) { driver = positional[0]; positional.RemoveAt(0); }
                if (driver is null)
                {
                    error = new UsageError("deselect needs a driver: -d NAME, or deselect NAME");
                    return false;
                }

                break;
            case CommandKind.Verify:
            case CommandKind.History:
                if (driver is null && positional.Count > 0) { driver = positional[0]; positional.RemoveAt(0); }
                break;
            case CommandKind.Explain:
                if (driver is null && positional.Count > 0) { driver = positional[0]; positional.RemoveAt(0); }
                if (driver is null)
                {
                    error = new UsageError("explain needs a driver name");
                    return false;
                }

                break;
        }

        string? trialAction = null;
        if (state.Command == CommandKind.Trial && positional.Count > 0)
        {
            trialAction = positional[0];
            positional.RemoveAt(0);
            if (!TrialActions.Contains(trialAction))
            {
                error = new UsageError($"unknown trial action '{trialAction}' ({string.Join(", ", TrialActions)})" + Suggestions.DidYouMean(trialAction, TrialActions));
                return false;
            }
        }

        if ((error = CheckTrialOptions(state, trialAction, out int? tries)) is not null)
        {
            return false;
        }

        foreach (string name in new[] { "--signatures", "--trusted-keys" })
        {
            bool applies = SignatureCommands(state.Command, name);
            if (state.Values.ContainsKey(name) && !applies)
            {
                error = new UsageError($"option '{name}' does not apply to '{state.CommandToken}'");
                return false;
            }
        }

        if (state.Values.TryGetValue("--signatures", out string? policy) && policy is not ("enforce" or "warn" or "off"))
        {
            error = new UsageError($"--signatures takes enforce, warn or off, not '{policy}'");
            return false;
        }

        List<string> files = [];
        if (state.Command == CommandKind.List)
        {
            files = [.. positional];
            positional.Clear();
        }

        if (state.Command == CommandKind.Reconcile)
        {
            files = [.. positional];
            positional.Clear();
            if (files.Count == 0 && !state.SetFlags.Contains("--pending"))
            {
                error = new UsageError("reconcile needs driver names, or --pending");
                return false;
            }
        }

        if (state.Command == CommandKind.Inspect)
        {
            if (positional.Count == 0)
            {
                error = new UsageError("inspect needs at least one module file or name");
                return false;
            }

            files = [.. positional];
            positional.Clear();
        }

        if (state.Values.ContainsKey("--kernel") && state.Command is not (CommandKind.Inspect or CommandKind.Kernels))
        {
            error = new UsageError($"option '--kernel' does not apply to '{state.CommandToken}'");
            return false;
        }

        int? limit = null;
        if (state.Values.TryGetValue("--limit", out string? limitText))
        {
            if (state.Command != CommandKind.History)
            {
                error = new UsageError($"option '--limit' does not apply to '{state.CommandToken}'");
                return false;
            }

            if (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count < 1)
            {
                error = new UsageError($"--limit takes a whole number from 1, not '{limitText}'");
                return false;
            }

            limit = count;
        }

        if ((state.FlagName is not null || state.FlagVariant is not null) && state.Command is not (CommandKind.Select or CommandKind.Deselect)
            || state.FlagVariant is not null && state.Command == CommandKind.Deselect)
        {
            error = new UsageError($"'-n'/'-v' do not apply to '{state.CommandToken}'");
            return false;
        }

        if (positional.Count > 0)
        {
            error = new UsageError($"unexpected argument '{positional[0]}' for '{state.CommandToken}'");
            return false;
        }

        foreach (string flag in state.SetFlags)
        {
            if (OptionScope.TryGetValue(flag, out CommandKind[]? scope) && !scope.Contains(state.Command))
            {
                error = new UsageError($"option '{flag}' does not apply to '{state.CommandToken}'");
                return false;
            }
        }

        if (state.SetFlags.Contains("--initrd") && state.SetFlags.Contains("--no-initrd"))
        {
            error = new UsageError("'--initrd' and '--no-initrd' contradict each other");
            return false;
        }

        var format = OutputFormat.Json;
        string? formatText = state.Values.GetValueOrDefault("--format");
        string formatSource = "--format";
        if (formatText is null && Environment.GetEnvironmentVariable(FormatVariable) is { Length: > 0 } fromEnvironment)
        {
            formatText = fromEnvironment;
            formatSource = FormatVariable;
        }

        if (formatText is not null)
        {
            switch (formatText)
            {
                case "json": format = OutputFormat.Json; break;
                case "table": format = OutputFormat.Table; break;
                default:
                    error = new UsageError($"unknown format '{formatText}' (json or table)" + (formatSource == FormatVariable ? $", from {FormatVariable}" : ""));
                    return false;
            }
        }

        var lockTimeout = TimeSpan.FromSeconds(30);
        if (state.Values.TryGetValue("--lock-timeout", out string? seconds))
        {
            if (!double.TryParse(seconds, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < 0 || value > 86400 || double.IsNaN(value))
            {
                error = new UsageError($"--lock-timeout takes seconds from 0 to 86400, not '{seconds}'");
                return false;
            }

            lockTimeout = TimeSpan.FromSeconds(value);
        }

        foreach (string name in new[] { "--root", "--lspci", "--running-kernel", "--kernel", "--trusted-keys", "--boot-config" })
        {
            if (state.Values.TryGetValue(name, out string? value) && value.Length == 0)
            {
                error = new UsageError($"option '{name}' needs a non-empty value");
                return false;
            }
        }

        invocation = new Invocation(state.Command)
        {
            Driver = driver,
            Variant = variant,
            Root = state.Values.GetValueOrDefault("--root"),
            Lspci = state.Values.GetValueOrDefault("--lspci"),
            Format = format,
            Strict = state.SetFlags.Contains("--strict"),
            RunningKernel = state.Values.GetValueOrDefault("--running-kernel"),
            Force = state.SetFlags.Contains("--force"),
            NoHooks = state.SetFlags.Contains("--no-hooks"),
            NoInitrd = state.SetFlags.Contains("--no-initrd"),
            Initrd = state.SetFlags.Contains("--initrd"),
            DryRun = state.SetFlags.Contains("--dry-run"),
            IncludeDeselected = state.SetFlags.Contains("--include-deselected"),
            Repair = state.SetFlags.Contains("--repair"),
            LockTimeout = lockTimeout,
            Files = files,
            Kernel = state.Values.GetValueOrDefault("--kernel"),
            Signatures = state.Values.GetValueOrDefault("--signatures"),
            TrustedKeys = state.Values.GetValueOrDefault("--trusted-keys"),
            Pending = state.SetFlags.Contains("--pending"),
            Limit = limit,
            Trial = state.SetFlags.Contains("--trial"),
            Tries = tries,
            BootConfig = state.Values.GetValueOrDefault("--boot-config"),
            TrialAction = trialAction,
        };
        return true;
    }

    /// <summary>What <c>trial</c> does besides printing the record.</summary>
    public static readonly string[] TrialActions = ["confirm", "rollback", "settle", "enable", "disable", "boot"];

    /// <summary>--trial, --tries and --boot-config, and the options of the trial actions, each only where it means something.</summary>
    private static UsageError? CheckTrialOptions(ParseState state, string? action, out int? tries)
    {
        tries = null;
        bool trial = state.SetFlags.Contains("--trial");
        if (state.Values.TryGetValue("--tries", out string? text))
        {
            if (!trial)
            {
                return new UsageError("--tries needs --trial");
            }

            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int count) || count is < 1 or > 9)
            {
                return new UsageError($"--tries takes a whole number from 1 to 9, not '{text}'");
            }

            tries = count;
        }

        if (trial && state.SetFlags.Contains("--dry-run"))
        {
            return new UsageError("'--trial' and '--dry-run' contradict each other: a dry run arms nothing");
        }

        if (state.Values.ContainsKey("--boot-config") && !(trial || action is "enable" or "disable"))
        {
            return new UsageError(state.Command == CommandKind.Trial
                ? "--boot-config applies to 'trial enable' and 'trial disable' (a trial keeps the grub.cfg it was armed with)"
                : "--boot-config needs --trial");
        }

        if (state.Command == CommandKind.Trial)
        {
            if (state.SetFlags.Contains("--force") && action != "confirm")
            {
                return new UsageError("--force applies to 'trial confirm' only");
            }

        }

        return null;
    }

    private static string CommandWord(CommandKind kind) => kind switch
    {
        CommandKind.List => "list",
        CommandKind.Select => "select",
        CommandKind.Deselect => "deselect",
        CommandKind.AutoSelect => "auto-select",
        CommandKind.Verify => "verify",
        CommandKind.Inspect => "inspect",
        CommandKind.Explain => "explain",
        CommandKind.Kernels => "kernels",
        CommandKind.Reconcile => "reconcile",
        CommandKind.History => "history",
        CommandKind.Trial => "trial",
        CommandKind.Version => "version",
        _ => "help",
    };
}
