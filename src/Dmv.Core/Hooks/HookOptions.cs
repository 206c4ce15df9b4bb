namespace Dmv.Core.Hooks;

/// <summary>
/// Which post-switch steps run. Under --root the initrd is only rebuilt when asked (<see cref="ForceInitrd"/>):
/// an installer's target is usually not the system dracut should describe.
/// </summary>
/// <param name="SkipDepmod">Only the initrd (a trial confirmed changes no link, but its initrd must carry the ended record).</param>
internal sealed record HookOptions(bool Skip, bool SkipInitrd, bool ForceInitrd, bool SkipDepmod = false)
{
    /// <summary>Every hook: for a switch that a reading command finishes after a crash.</summary>
    public static HookOptions Default() => new(Skip: false, SkipInitrd: false, ForceInitrd: false);
}
