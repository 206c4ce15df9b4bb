namespace Dmv.Core.Hooks;

/// <summary>
/// Which post-switch steps run. Under --root the initrd is only rebuilt when asked (<see cref="ForceInitrd"/>):
/// an installer's target is usually not the system dracut should describe.
/// </summary>
public sealed record HookOptions(bool Skip, bool SkipInitrd, bool ForceInitrd)
{
    /// <summary>Every hook: for a switch that a reading command finishes after a crash.</summary>
    public static HookOptions Default() => new(Skip: false, SkipInitrd: false, ForceInitrd: false);
}
