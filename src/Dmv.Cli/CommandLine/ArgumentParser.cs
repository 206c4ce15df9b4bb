namespace Dmv.Cli.CommandLine;

/// <summary>
/// Parses the callers' flag syntax (<c>-l</c>) and the command words (<c>list</c>), with options
/// before or after the command, as <c>--opt VALUE</c> or <c>--opt=VALUE</c>. A bad command line
/// is an error with a one-line reason, never a guess.
/// </summary>
public static class ArgumentParser
{
    private static readonly string[] ValueOptions = ["--root", "--lspci", "--format", "--running-kernel"];

    public static bool TryParse(IReadOnlyList<string> args, out Invocation invocation, out UsageError? error)
    {
        var command = CommandKind.None;
        string? commandToken = null;
        var arguments = new List<string>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        bool strict = false;
        bool helpRequested = false;
        invocation = null!;
        error = null;

        for (int i = 0; i < args.Count; i++)
        {
            string token = args[i];
            if (token == "--")
            {
                arguments.AddRange(args.Skip(i + 1));
                break;
            }

            if (token.StartsWith("--", StringComparison.Ordinal))
            {
                string name = token;
                string? inlineValue = null;
                int equals = token.IndexOf('=');
                if (equals > 0)
                {
                    name = token[..equals];
                    inlineValue = token[(equals + 1)..];
                }

                if (ValueOptions.Contains(name))
                {
                    string? value = inlineValue;
                    if (value is null)
                    {
                        if (i + 1 >= args.Count)
                        {
                            error = new UsageError($"option '{name}' needs a value");
                            return false;
                        }

                        value = args[++i];
                    }

                    if (values.ContainsKey(name))
                    {
                        error = new UsageError($"option '{name}' is given twice");
                        return false;
                    }

                    values[name] = value;
                    continue;
                }

                if (inlineValue is not null)
                {
                    error = new UsageError(IsFlag(name) ? $"option '{name}' takes no value" : $"unknown option '{name}'");
                    return false;
                }

                switch (name)
                {
                    case "--strict":
                        strict = true;
                        continue;
                    case "--help":
                        helpRequested = true;
                        continue;
                    case "--version":
                        if (!SetCommand(CommandKind.Version, token, ref command, ref commandToken, out error)) return false;
                        continue;
                    case "--list":
                        if (!SetCommand(CommandKind.List, token, ref command, ref commandToken, out error)) return false;
                        continue;
                    default:
                        error = new UsageError($"unknown option '{name}'");
                        return false;
                }
            }

            if (token.Length > 1 && token[0] == '-')
            {
                switch (token)
                {
                    case "-l":
                        if (!SetCommand(CommandKind.List, token, ref command, ref commandToken, out error)) return false;
                        continue;
                    case "-h":
                        helpRequested = true;
                        continue;
                    case "-V":
                        if (!SetCommand(CommandKind.Version, token, ref command, ref commandToken, out error)) return false;
                        continue;
                    default:
                        error = new UsageError($"unknown option '{token}'");
                        return false;
                }
            }

            if (command == CommandKind.None)
            {
                CommandKind word = token switch
                {
                    "list" => CommandKind.List,
                    "help" => CommandKind.Help,
                    "version" => CommandKind.Version,
                    _ => CommandKind.None,
                };
                if (word == CommandKind.None)
                {
                    error = new UsageError($"unknown command '{token}' (see 'driver-tool --help')");
                    return false;
                }

                command = word;
                commandToken = token;
                continue;
            }

            arguments.Add(token);
        }

        if (helpRequested)
        {
            // "list --help" and "--help list" both ask for the help of list.
            if (command is not CommandKind.None and not CommandKind.Help)
            {
                arguments.Insert(0, CommandWord(command));
            }

            command = CommandKind.Help;
        }

        if (command == CommandKind.None)
        {
            error = new UsageError("no command given (try 'driver-tool -l' or 'driver-tool --help')");
            return false;
        }

        var format = OutputFormat.Json;
        if (values.TryGetValue("--format", out string? formatText))
        {
            switch (formatText)
            {
                case "json": format = OutputFormat.Json; break;
                case "table": format = OutputFormat.Table; break;
                default:
                    error = new UsageError($"unknown format '{formatText}' (json or table)");
                    return false;
            }
        }

        string? helpTopic = null;
        if (command == CommandKind.Help)
        {
            if (arguments.Count > 1)
            {
                error = new UsageError("help takes at most one command name");
                return false;
            }

            helpTopic = arguments.Count == 1 ? arguments[0] : null;
        }
        else if (arguments.Count > 0)
        {
            error = new UsageError($"unexpected argument '{arguments[0]}' for '{commandToken}'");
            return false;
        }

        foreach (string name in new[] { "--root", "--lspci", "--running-kernel" })
        {
            if (values.TryGetValue(name, out string? value) && value.Length == 0)
            {
                error = new UsageError($"option '{name}' needs a non-empty value");
                return false;
            }
        }

        invocation = new Invocation(
            command,
            arguments,
            values.GetValueOrDefault("--root"),
            values.GetValueOrDefault("--lspci"),
            format,
            strict,
            values.GetValueOrDefault("--running-kernel"),
            helpTopic);
        return true;
    }

    private static string CommandWord(CommandKind kind) => kind switch
    {
        CommandKind.List => "list",
        CommandKind.Version => "version",
        _ => "help",
    };

    private static bool IsFlag(string name) => name is "--strict" or "--help" or "--version" or "--list";

    private static bool SetCommand(CommandKind kind, string token, ref CommandKind command, ref string? commandToken, out UsageError? error)
    {
        if (command != CommandKind.None && command != kind)
        {
            error = new UsageError($"'{token}' cannot be combined with '{commandToken}'");
            return false;
        }

        command = kind;
        commandToken = token;
        error = null;
        return true;
    }
}
