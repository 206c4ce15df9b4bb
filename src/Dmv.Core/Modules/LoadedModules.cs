using Dmv.Core.Diagnostics;
using Dmv.Core.Elf;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Modules;

/// <summary>
/// Looks up loaded modules in <c>/sys/module/M/</c> and reads their <c>notes/.note.XenServer</c>.
/// Each module is read once however many variants and kernels name it.
/// </summary>
public sealed class LoadedModules
{
    public const string SysModuleDirectory = "/sys/module";
    private const int MaxNoteFileBytes = 64 * 1024;

    private readonly HostRoot _root;
    private readonly DiagnosticLog _log;
    private readonly Dictionary<string, LoadedModule> _cache = new(StringComparer.Ordinal);
    private readonly string? _realSysModule;
    private byte[] _buffer = new byte[512];

    public LoadedModules(HostRoot root, DiagnosticLog log)
    {
        _root = root;
        _log = log;
        PathResolution sysModule = root.Resolve(SysModuleDirectory);
        _realSysModule = sysModule.Succeeded ? sysModule.RealPath : null;
    }

    /// <summary>False when there is no /sys/module to ask (a chroot without sysfs, an offline tree).</summary>
    public bool IsAvailable => _realSysModule is not null;

    public LoadedModule Get(string moduleFile)
    {
        string kernelName = ModuleName.KernelName(moduleFile);
        if (_cache.TryGetValue(kernelName, out LoadedModule? known))
        {
            return known;
        }

        LoadedModule state = Read(kernelName);
        _cache[kernelName] = state;
        return state;
    }

    private LoadedModule Read(string kernelName)
    {
        if (_realSysModule is null || kernelName.Length == 0 || kernelName.Contains('/') || kernelName is "." or "..")
        {
            return new LoadedModule(kernelName, false, false, null);
        }

        string moduleDirectory = _realSysModule + "/" + kernelName;
        if (!Directory.Exists(moduleDirectory))
        {
            return new LoadedModule(kernelName, false, false, null);
        }

        string notePath = moduleDirectory + "/notes/" + XenServerNote.SectionName;
        if (!FileContent.TryRead(notePath, MaxNoteFileBytes, ref _buffer, out int length, out int errno, out string reason))
        {
            if (errno != Errno.ENOENT)
            {
                _log.Warn(notePath, reason);
            }

            return new LoadedModule(kernelName, true, errno != Errno.ENOENT, null);
        }

        if (XenServerNote.TryFindVariant(_buffer.AsSpan(0, length), out string variant, out string? error))
        {
            return new LoadedModule(kernelName, true, true, variant, notePath);
        }

        _log.Warn(notePath, error ?? "no XenServer note of type 1");
        return new LoadedModule(kernelName, true, true, null);
    }
}
