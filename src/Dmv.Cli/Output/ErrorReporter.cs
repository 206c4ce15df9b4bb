using Dmv.Core.Json;

namespace Dmv.Cli.Output;

/// <summary>A failing call: the contract's error JSON on stdout, one line on stderr, and the errno as exit status.</summary>
public static class ErrorReporter
{
    public static int Fail(Terminal terminal, int errno, string message)
    {
        terminal.Error(message);
        terminal.WriteJson(new ErrorReply { ExitCode = errno, Message = message }, DmvJsonContext.Default.ErrorReply);
        return errno;
    }
}
