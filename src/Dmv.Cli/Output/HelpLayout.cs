using Dmv.Cli.CommandLine;

namespace Dmv.Cli.Output;

/// <summary>How a help text is put together: its option lines made from <see cref="OptionTable"/>, so no help can name an option the parser refuses or leave one out.</summary>
internal static partial class HelpText
{
    /// <summary>The help of <paramref name="topic"/> (null: the general help), ending with a newline; null for an unknown topic.</summary>
    public static string? For(string? topic)
    {
        if (Text(topic) is not { } text)
        {
            return null;
        }

        CommandKind? command = topic is null ? null : OptionTable.Command(topic) ?? OptionTable.Command(topic switch { "-l" => "list", "-s" => "select", "-d" => "deselect", _ => topic });
        string options = command is CommandKind kind ? CommandOptions(OptionTable.Of(kind)) : AllOptions();
        return text.Replace("{OPTIONS}", options) + "\n";
    }

    /// <summary>"Options: --root DIR, --strict, …." wrapped under its first word, as each command's help ends.</summary>
    private static string CommandOptions(List<OptionSpec> options)
    {
        var text = new System.Text.StringBuilder("Options:");
        int column = text.Length;
        for (int i = 0; i < options.Count; i++)
        {
            string item = options[i].Usage + (i == options.Count - 1 ? "." : ",");
            if (column + 1 + item.Length > 79)
            {
                text.Append('\n').Append(' ', 8);
                column = 8;
            }

            text.Append(' ').Append(item);
            column += 1 + item.Length;
        }

        return text.ToString();
    }

    /// <summary>The general help's option list: each option and its line from the table, help wrapped in its column.</summary>
    private static string AllOptions()
    {
        const int HelpColumn = 25;
        var text = new System.Text.StringBuilder();
        foreach (OptionSpec option in OptionTable.Options)
        {
            string usage = "  " + option.Usage;
            text.Append(usage);
            int column = usage.Length;
            if (column + 1 > HelpColumn)
            {
                text.Append('\n').Append(' ', HelpColumn);
            }
            else
            {
                text.Append(' ', HelpColumn - column);
            }

            column = HelpColumn;
            bool first = true;
            foreach (string word in option.Help.Split(' '))
            {
                if (!first && column + 1 + word.Length > 79)
                {
                    text.Append('\n').Append(' ', HelpColumn);
                    column = HelpColumn;
                    first = true;
                }

                text.Append(first ? "" : " ").Append(word);
                column += (first ? 0 : 1) + word.Length;
                first = false;
            }

            text.Append('\n');
        }

        return text.ToString().TrimEnd('\n');
    }

    private static string? Text(string? topic) => topic switch
    {
        null or "help" or "-h" or "--help" => topic is null ? General : Help,
        "version" or "-V" or "--version" => Version,
        "list" or "-l" => List,
        "select" or "-s" => Select,
        "deselect" or "-d" => Deselect,
        "auto-select" => AutoSelect,
        "verify" => Verify,
        "inspect" => Inspect,
        "explain" => Explain,
        "kernels" => Kernels,
        "reconcile" => Reconcile,
        "history" => History,
        "trial" => Trial,
        "completion" => Completion,
        _ => null,
    };
}
