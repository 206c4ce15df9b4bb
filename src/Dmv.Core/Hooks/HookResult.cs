namespace Dmv.Core.Hooks;

/// <summary>What one post-switch step did for one kernel, with the command it ran and its output or why it was skipped.</summary>
public sealed record HookResult(string Kernel, string Hook, HookStatus Status, string? Command, string? Detail);
