using Dmv.Core.Signing;

namespace Dmv.Core.Integrity;

/// <summary>How variants are checked before a switch: the signature policy and the certificates it trusts.</summary>
internal sealed record IntegrityOptions(SignaturePolicy Policy, TrustStore Trust);
