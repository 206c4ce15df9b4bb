namespace Dmv.Core.Kabi;

/// <summary>Whether a variant's modules will load into a kernel as far as its ABI goes; "not-possible" is never "passed".</summary>
internal sealed record KabiVerdict(string Kernel, string Status, string Detail, IReadOnlyList<string> Problems)
{
    public const string Compatible = "compatible";
    public const string Incompatible = "incompatible";
    public const string NotPossible = "not-possible";
}
