namespace Dmv.Core.Selection;

/// <summary>What reconcile did for one driver: kept, re-pointed, deselected or selected (and which variant).</summary>
public sealed record ReconcileAction(string Driver, string Action, string? Variant, string Detail);
