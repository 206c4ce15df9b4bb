using Dmv.Core.Diagnostics;
using Dmv.Core.Switching;
namespace Dmv.Core.Policies;

/// <summary>
/// What reconcile did for one driver: kept, re-pointed, deselected or selected (and which variant),
/// or "failed" with the <see cref="Failure"/> that stopped it; and the kernels it could not be carried out in.
/// </summary>
internal sealed record ReconcileAction(string Driver, ReconcileOutcome Action, string? Variant, string Detail, Failure? Failure = null, IReadOnlyList<KernelFailure>? FailedKernels = null);
