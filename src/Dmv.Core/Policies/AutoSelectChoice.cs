namespace Dmv.Core.Policies;

/// <summary>The variant auto-select picks for a driver, and why.</summary>
internal sealed record AutoSelectChoice(string Driver, string Variant, string Priority, int MatchSpecificity, string Version, string Reason);
