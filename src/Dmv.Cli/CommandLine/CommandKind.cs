namespace Dmv.Cli.CommandLine;

public enum CommandKind
{
    None,
    List,
    Help,
    Version,
}
