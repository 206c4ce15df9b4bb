namespace Dmv.Core.Hooks;

/// <summary>What one post-switch step did for one kernel: "ok", "skipped" (with why) or "failed" (with its output).</summary>
public sealed record HookResult(string Kernel, string Hook, string Status, string? Command, string? Detail)
{
    public const string Ok = "ok";
    public const string Skipped = "skipped";
    public const string Failed = "failed";
}
