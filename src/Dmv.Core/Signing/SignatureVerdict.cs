namespace Dmv.Core.Signing;

/// <summary>The outcome of checking one module's signature, with the reason in words.</summary>
public sealed record SignatureVerdict(SignatureStatus Status, string Detail)
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
