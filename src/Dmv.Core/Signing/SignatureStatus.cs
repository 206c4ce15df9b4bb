namespace Dmv.Core.Signing;

/// <summary>What checking a module's signature against the trusted certificates found.</summary>
internal enum SignatureStatus
{
    /// <summary>Signed by a trusted key, and the signature verifies over the module.</summary>
    Trusted,

    /// <summary>No signature appended.</summary>
    Unsigned,

    /// <summary>Signed by a key that is not among the trusted certificates.</summary>
    Untrusted,

    /// <summary>Signed by a trusted key, but the signature does not verify: the module was changed, or is corrupt.</summary>
    Invalid,

    /// <summary>The signature cannot be checked here (a format or algorithm not supported, or no cryptography library).</summary>
    NotPossible,
}
