namespace Dmv.Core.Modules;

/// <summary>The signature appended to a module, as modinfo reports it; <see cref="Error"/> when it cannot be read.</summary>
internal sealed record SignatureReport(string IdType, string? Signer, string? KeyId, string? HashAlgorithm, int Length, string? Error);
