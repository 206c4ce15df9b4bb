namespace Dmv.Cli.CommandLine;

public enum CommandKind
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
    Help,
    Version,
}
