namespace Dmv.Core.Hooks;

/// <summary>
/// What one post-switch step did for one kernel: the command it ran, its complete output (or why it
/// was skipped), and — when its output is not clean — the line that decided its status.
/// </summary>
internal sealed record HookResult(string Kernel, string Hook, HookStatus Status, string? Command, string? Detail, string? Problem = null);
