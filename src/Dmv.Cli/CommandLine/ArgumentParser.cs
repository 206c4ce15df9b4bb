using System.Globalization;

namespace Dmv.Cli.CommandLine;

/// <summary>
/// Parses the callers' flag syntax (<c>-l</c>, <c>-s -n NAME -v VARIANT</c>, <c>-d NAME</c>) and the
/// command words (<c>list</c>, <c>select NAME VARIANT</c>, …), with options before or after the
/// command, as <c>--opt VALUE</c> or <c>--opt=VALUE</c>, against <see cref="OptionTable"/>. A bad
/// command line is an error with a one-line reason, never a guess.
/// </summary>
internal static class ArgumentParser
{
    /// <summary>The format when --format is not given: DRIVER_TOOL_FORMAT (json or table), else JSON.</summary>
    public const string FormatVariable = "DRIVER_TOOL_FORMAT";

    /// <summary>The command words, for --help and for suggestions.</summary>
    public static IReadOnlyCollection<string> CommandWords => [.. OptionTable.Words.Select(static w => w.Word)];

    /// <summary>Every long option of any command, and the two that name a command (--version, --list).</summary>
    public static IReadOnlyList<string> LongOptions => [.. OptionTable.Options.Select(static o => o.Name), "--version", "--list"];

    /// <summary>Every long option the parser accepts for <paramref name="command"/> (a command word); each command's --help and the man page name each of them.</summary>
    public static IReadOnlyList<string> OptionsOf(string command) =>
        OptionTable.Command(command) is CommandKind kind and not (CommandKind.Help or CommandKind.Version or CommandKind.Completion)
            ? [.. OptionTable.Of(kind).Select(static o => o.Name)]
            : [];

    /// <summary>
    /// The format a command line asks for, read before (and whether or not) it parses, so that even a
    /// bad command line with --format table is answered for a person.
    /// </summary>
    public static OutputFormat RequestedFormat(IReadOnlyList<string> args)
    {
        string? text = Environment.GetEnvironmentVariable(FormatVariable);
        for (int i = 0; i < args.Count && args[i] != "--"; i++)
        {
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

    public static bool TryParse(IReadOnlyList<string> args, out Invocation invocation, [NotNullWhen(false)] out UsageError? error)
    {
        invocation = null!;
        var state = new ParsedLine();
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

        return InvocationBuilder.TryBuild(state, out invocation, out error);
    }

    private static UsageError? LongOption(IReadOnlyList<string> args, ref int i, ParsedLine state)
    {
        string token = args[i];
        int equals = token.IndexOf('=');
        string name = equals > 0 ? token[..equals] : token;
        string? inline = equals > 0 ? token[(equals + 1)..] : null;
        if (name is "--version" or "--list")
        {
            return inline is not null
                ? new UsageError($"option '{name}' takes no value")
                : state.SetCommand(name == "--version" ? CommandKind.Version : CommandKind.List, token);
        }

        if (OptionTable.Find(name) is not { } option)
        {
            return new UsageError($"unknown option '{name}'" + Suggestions.DidYouMean(name, LongOptions));
        }

        if (!option.TakesValue)
        {
            if (inline is not null)
            {
                return new UsageError($"option '{name}' takes no value");
            }

            if (name == "--help")
            {
                state.HelpRequested = true;
            }
            else
            {
                state.Flags.Add(name);
            }

            return null;
        }

        if (inline is null && (i + 1 >= args.Count || IsOption(args[i + 1])))
        {
            // "--root -l" is a forgotten value, not a root named "-l".
            return new UsageError(i + 1 >= args.Count ? $"{name} needs a value" : $"{name} needs a value ('{args[i + 1]}' is an option; use {name}=VALUE for a value starting with '-')");
        }

        string value = inline ?? args[++i];
        return state.Values.TryAdd(name, value) ? null : new UsageError($"option '{name}' is given twice");
    }

    private static UsageError? ShortOption(IReadOnlyList<string> args, ref int i, ParsedLine state)
    {
        string token = args[i];
        switch (token)
        {
            case "-l":
                return state.SetCommand(CommandKind.List, token);
            case "-s":
                return state.SetCommand(CommandKind.Select, token);
            case "-h":
                state.HelpRequested = true;
                return null;
            case "-V":
                return state.SetCommand(CommandKind.Version, token);
            case "-d" or "-n" or "-v":
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
                return token == "-d" ? state.SetCommand(CommandKind.Deselect, token) : null;
            default:
                return new UsageError($"unknown option '{token}'" + Suggestions.DidYouMean(token, [.. OptionTable.ShortOptions, .. LongOptions]));
        }
    }

    /// <summary>A token that is one of our options (so not the value of the option before it).</summary>
    private static bool IsOption(string token)
    {
        if (OptionTable.ShortOptions.Contains(token))
        {
            return true;
        }

        int equals = token.IndexOf('=');
        string name = equals > 0 ? token[..equals] : token;
        return name.StartsWith("--", StringComparison.Ordinal) && LongOptions.Contains(name);
    }

    private static UsageError? Word(string token, ParsedLine state)
    {
        if (state.Command == CommandKind.None && OptionTable.Command(token) is CommandKind kind)
        {
            return state.SetCommand(kind, token);
        }

        if (state.Command == CommandKind.None && !state.HelpRequested)
        {
            string suggestion = Suggestions.DidYouMean(token, CommandWords);
            return new UsageError($"unknown command '{token}'" + (suggestion.Length > 0 ? suggestion : " (see 'driver-tool --help')"));
        }

        state.Positional.Add(token);
        return null;
    }
}

/// <summary>What the tokens of a command line said, before it is checked as a whole.</summary>
internal sealed class ParsedLine
{
    public CommandKind Command { get; private set; }
    public string? CommandToken { get; private set; }
    public bool HelpRequested { get; set; }
    public string? FlagName { get; set; }
    public string? FlagVariant { get; set; }
    public List<string> Positional { get; } = [];
    public Dictionary<string, string> Values { get; } = new(StringComparer.Ordinal);
    public HashSet<string> Flags { get; } = new(StringComparer.Ordinal);

    public UsageError? SetCommand(CommandKind kind, string token)
    {
        if (Command != CommandKind.None && Command != kind)
        {
            return new UsageError($"'{token}' cannot be combined with '{CommandToken}'");
        }

        Command = kind;
        CommandToken = token;
        return null;
    }

    public bool Has(string flag) => Flags.Contains(flag);

    public string? Value(string option) => Values.GetValueOrDefault(option);

    /// <summary>A whole number from <paramref name="min"/> to <paramref name="max"/>, or the usage error saying what it must be.</summary>
    public UsageError? Number(string option, int min, int max, out int? number)
    {
        number = null;
        if (Value(option) is not { } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < min || value > max)
        {
            return new UsageError(max == int.MaxValue ? $"{option} takes a whole number from {min}, not '{text}'" : $"{option} takes a whole number from {min} to {max}, not '{text}'");
        }

        number = value;
        return null;
    }
}
