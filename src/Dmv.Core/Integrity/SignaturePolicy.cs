namespace Dmv.Core.Integrity;

/// <summary>
/// What a switch does with a module whose signature is not trusted: refuse (enforce, the default
/// when trusted certificates are present), warn and go on, or not check at all.
/// </summary>
internal enum SignaturePolicy
{
    Enforce,
    Warn,
    Off,
}

internal static class SignaturePolicies
{
    /// <summary>How --signatures and replies name it.</summary>
    public static string Word(this SignaturePolicy policy) => policy switch
    {
        SignaturePolicy.Enforce => "enforce",
        SignaturePolicy.Warn => "warn",
        _ => "off",
    };
}
