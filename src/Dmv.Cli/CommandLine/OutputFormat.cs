namespace Dmv.Cli.CommandLine;

public enum OutputFormat
{
    Json,
    Table,
}
