using Dmv.Core.Diagnostics;
namespace Dmv.Core.Selection;

/// <summary>A kernel a switch could not be carried out in, and why: that kernel was left as it was.</summary>
public sealed record KernelFailure(string Kernel, Failure Failure);
