namespace Dmv.Core.Diagnostics;

/// <summary>Why an operation could not be done: the errno driver-tool exits with, and a one-line message.</summary>
public sealed record Failure(int Errno, string Message);
