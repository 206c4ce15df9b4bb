using Dmv.Cli.CommandLine;
using Dmv.Cli.Commands;
using Dmv.Cli.Output;
using Dmv.Core.FileSystem;

namespace Dmv.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        using Stream stdout = Console.OpenStandardOutput();
        var terminal = new Terminal(stdout, static () => Console.Error, Terminal.StdoutIsTerminal())
        {
            Format = ArgumentParser.RequestedFormat(args),
        };
        try
        {
            return Run(args, terminal);
        }
        catch (Exception error)
        {
            // A last resort: a defect of ours still ends in the contract's error reply, not a stack trace.
            int errno = error is IOException or UnauthorizedAccessException ? FileErrors.ErrnoOf(error) : Errno.EIO;
            return ErrorReporter.Fail(terminal, errno, $"unexpected failure: {error.Message}");
        }
        finally
        {
            terminal.FlushErrors();
        }
    }

    private static int Run(string[] args, Terminal terminal)
    {
        if (!ArgumentParser.TryParse(args, out Invocation invocation, out UsageError? usage))
        {
            return ErrorReporter.Fail(terminal, Errno.EINVAL, usage!.Message);
        }

        terminal.Format = invocation.Format;

        switch (invocation.Command)
        {
            case CommandKind.Version:
                terminal.WriteText($"driver-tool {BuildInfo.Version}\n");
                return 0;
            case CommandKind.Help:
                string? help = HelpText.For(invocation.HelpTopic);
                if (help is null)
                {
                    return ErrorReporter.Fail(terminal, Errno.EINVAL, $"no help for '{invocation.HelpTopic}': no such command");
                }

                terminal.WriteText(help);
                return 0;
            case CommandKind.List:
                return ListCommand.Run(invocation, terminal);
            case CommandKind.Select:
                return SelectCommand.Run(invocation, terminal);
            case CommandKind.Deselect:
                return DeselectCommand.Run(invocation, terminal);
            case CommandKind.AutoSelect:
                return AutoSelectCommand.Run(invocation, terminal);
            case CommandKind.Verify:
                return VerifyCommand.Run(invocation, terminal);
            case CommandKind.Inspect:
                return InspectCommand.Run(invocation, terminal);
            case CommandKind.Explain:
                return ExplainCommand.Run(invocation, terminal);
            case CommandKind.Kernels:
                return KernelsCommand.Run(invocation, terminal);
            case CommandKind.Reconcile:
                return ReconcileCommand.Run(invocation, terminal);
            default:
                return ErrorReporter.Fail(terminal, Errno.EINVAL, "no command given");
        }
    }
}
