namespace Dmv.Cli.CommandLine;

internal enum CommandKind
{
    None,
    List,
    Select,
    Deselect,
    AutoSelect,
    Verify,
    Inspect,
    Explain,
    Kernels,
    Reconcile,
    History,
    Trial,
    Completion,
    Help,
    Version,
}
