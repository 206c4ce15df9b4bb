namespace Dmv.Core.Hooks;

/// <summary>
/// How a post-switch step ended: ok; ok but its output had WARNING lines; skipped (with why); or
/// failed (with its output). <see cref="HookStatuses.Word"/> is how replies name it.
/// </summary>
internal enum HookStatus
{
    Ok,
    Warnings,
    Skipped,
    Failed,
}

internal static class HookStatuses
{
    public static string Word(this HookStatus status) => status switch
    {
        HookStatus.Ok => "ok",
        HookStatus.Warnings => "warnings",
        HookStatus.Skipped => "skipped",
        _ => "failed",
    };
}
