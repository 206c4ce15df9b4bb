namespace Dmv.Core.Signing;

/// <summary>The outcome of checking one module's signature, with the reason in words.</summary>
/// <param name="LibraryMissing">The check was not possible because this system lacks OpenSSL's libcrypto.</param>
internal sealed record SignatureVerdict(SignatureStatus Status, string Detail, bool LibraryMissing = false)
{
    public string StatusName => Status switch
    {
        SignatureStatus.Trusted => "trusted",
        SignatureStatus.Unsigned => "unsigned",
        SignatureStatus.Untrusted => "untrusted",
        SignatureStatus.Invalid => "invalid",
        _ => "not-possible",
    };
}
