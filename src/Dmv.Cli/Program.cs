using Dmv.Cli.CommandLine;
using Dmv.Cli.Commands;
using Dmv.Cli.Output;
using Dmv.Core.FileSystem;

namespace Dmv.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        StandardDescriptors.EnsureOpen();

        // Descriptors 1 and 2 as plain streams, not System.Console: the console sets up terminal
        // and signal handling (a pipe, a thread) that costs start-up time and, out of descriptors,
        // throws where nothing can catch it.
        using Stream stdout = StandardStream(1);
        var terminal = new Terminal(stdout, static () => new StreamWriter(StandardStream(2), new System.Text.UTF8Encoding(false), 1024) { AutoFlush = true }, Terminal.StdoutIsTerminal())
        {
            Format = ArgumentParser.RequestedFormat(args),
        };
        int exit;
        try
        {
            exit = Run(args, terminal);
        }
        catch (DescriptorsExhaustedException error)
        {
            exit = ErrorReporter.Fail(terminal, error.HResult, error.Message);
        }
        catch (Exception error)
        {
            // A last resort: a defect of ours still ends in the contract's error reply, not a stack
            // trace. The runtime's own messages are resource keys in this build, so none is shown.
            // Its own exit status (131): EIO means a hook failed, and one code has one meaning.
            string detail = error is IOException or UnauthorizedAccessException ? Errno.Describe(FileErrors.ErrnoOf(error)) : error.GetType().Name;
            exit = ErrorReporter.Fail(terminal, Errno.ENOTRECOVERABLE, $"unexpected failure ({detail}); please report it");
        }

        if (terminal.OutputErrno != 0)
        {
            // One exit status (EPIPE) for "the reply was not delivered", whatever stopped it: a switch
            // that was made is made, and 28 or 9 would say that nothing changed.
            terminal.Error($"cannot write the reply to standard output: {Errno.Describe(terminal.OutputErrno)}; whatever the command changed is done (driver-tool -l shows it)");
            exit = exit == 0 ? Errno.EPIPE : exit;
        }

        terminal.FlushErrors();
        return exit;
    }

    private static DescriptorStream StandardStream(int descriptor) => new(descriptor);

    private static int Run(string[] args, Terminal terminal)
    {
        if (!ArgumentParser.TryParse(args, out Invocation invocation, out UsageError? usage))
        {
            return ErrorReporter.Fail(terminal, Errno.EINVAL, usage.Message);
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
            case CommandKind.History:
                return HistoryCommand.Run(invocation, terminal);
            case CommandKind.Trial:
                return TrialCommand.Run(invocation, terminal);
            case CommandKind.Completion:
                terminal.WriteText(CompletionScript.Bash() + "\n");
                return 0;
            default:
                return ErrorReporter.Fail(terminal, Errno.EINVAL, "no command given");
        }
    }
}
