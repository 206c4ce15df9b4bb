using Dmv.Core.Json;

namespace Dmv.Cli.Output;

/// <summary>
/// A failing call: one line on stderr and the errno as exit status; for a program reading JSON
/// through a pipe also the contract's error reply on stdout. At a terminal, or with --format table,
/// the stderr line alone: a person would otherwise read the message twice.
/// </summary>
internal static class ErrorReporter
{
    public static int Fail(Terminal terminal, int errno, string message)
    {
        message += RootHint(errno, message);
        terminal.Error(message);
        if (terminal.WantsErrorReply)
        {
            terminal.WriteJson(new ErrorReply { ExitCode = errno, Message = message }, DmvJsonContext.Default.ErrorReply);
        }

        return errno;
    }

    /// <summary>
    /// For a user who is not root and was refused by the file system (the state folder, its lock,
    /// updates/): say that the command needs root. An unsigned module's EPERM is not about the user.
    /// </summary>
    public static string RootHint(int errno, string message) =>
        errno is Dmv.Core.FileSystem.Errno.EACCES or Dmv.Core.FileSystem.Errno.EPERM
        && !message.Contains("signatures are enforced", StringComparison.Ordinal)
        && !message.Contains("needs root", StringComparison.Ordinal)
        && Dmv.Core.State.StateDirectory.EffectiveUser != 0
            ? "; this command needs root (run it as root, or with sudo)"
            : "";
}
