using Dmv.Core.Catalog;
using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;
using Dmv.Core.Integrity;
using Dmv.Core.Modules;

namespace Dmv.Core.Switching;

/// <summary>
/// The integrity gate of a switch: signatures, kABI and notes of one kernel's copy of a variant,
/// judged by the switch's policy. Each copy is checked once per command, however many plans ask;
/// with no policy (tests of the link logic alone) every copy passes.
/// </summary>
internal sealed class IntegrityGate(HostRoot root, SwitchOptions options, DiagnosticLog log) : IDisposable
{
    private readonly Dictionary<string, Failure?> _verdicts = new(StringComparer.Ordinal);
    private NativeCodecs? _codecs;
    private IntegrityChecker? _checker;

    public Failure? Judge(CatalogVariant copy)
    {
        if (options.Integrity is null)
        {
            return null;
        }

        if (!_verdicts.TryGetValue(copy.Directory, out Failure? refusal))
        {
            _codecs ??= new NativeCodecs();
            _checker ??= new IntegrityChecker(root, options.Integrity, _codecs);
            refusal = _checker.Judge(_checker.Check(copy), options.Force, log);
            _verdicts[copy.Directory] = refusal;
        }

        return refusal;
    }

    public void Dispose() => _codecs?.Dispose();
}
