using Dmv.Core.Diagnostics;
namespace Dmv.Core.Switching;

/// <summary>A kernel a switch could not be carried out in, and why: that kernel was left as it was.</summary>
internal sealed record KernelFailure(string Kernel, Failure Failure);
