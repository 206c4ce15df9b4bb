namespace Dmv.Cli.CommandLine;

internal enum OutputFormat
{
    Json,
    Table,
}
