using Dmv.Core.Diagnostics;
using Dmv.Core.Elf;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Modules;

/// <summary>
/// The modules the running kernel has loaded: <c>/sys/module</c> is listed once, and only the
/// loaded modules a catalog names have their <c>notes/.note.XenServer</c> read, each once however
/// many variants and kernels name it.
/// </summary>
internal sealed class LoadedModules : IDisposable
{
    public const string SysModuleDirectory = "/sys/module";
    private const int MaxNoteFileBytes = 64 * 1024;

    private readonly DiagnosticLog _log;
    private readonly Dictionary<string, LoadedModule> _cache = new(StringComparer.Ordinal);
    private readonly HashSet<string> _loaded = new(StringComparer.Ordinal);
    private readonly HostRoot _root;
    private byte[] _buffer = new byte[512];

    public LoadedModules(HostRoot root, DiagnosticLog log)
    {
        _log = log;
        _root = root;
        var entries = new List<DirectoryEntry>();
        if (!root.TryList(SysModuleDirectory, entries, out Failure? failure))
        {
            if (failure.Errno != Errno.ENOENT)
            {
                log.Warn(root.RealPathOf(SysModuleDirectory), failure.DetailAt(root.RealPathOf(SysModuleDirectory)));
            }

            return;
        }

        foreach (DirectoryEntry entry in entries)
        {
            if (entry.Kind == EntryKind.Directory && entry.NameIsValid)
            {
                _loaded.Add(entry.Name);
            }
        }
    }

    /// <summary>False when there is no /sys/module to ask (a chroot without sysfs, an offline tree).</summary>

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

    public void Dispose()
    {
    }

    private LoadedModule Read(string kernelName)
    {
        if (!_loaded.Contains(kernelName))
        {
            return new LoadedModule(kernelName, false, false, null);
        }

        string hostNote = SysModuleDirectory + "/" + kernelName + "/notes/" + XenServerNote.SectionName;
        string notePath = _root.RealPathOf(hostNote);
        if (!_root.TryReadAttribute(hostNote, MaxNoteFileBytes, ref _buffer, out int length, out Failure? failure))
        {
            if (failure.Errno != Errno.ENOENT)
            {
                _log.Warn(notePath, failure.DetailAt(notePath));
            }

            return new LoadedModule(kernelName, true, failure.Errno != Errno.ENOENT, null);
        }

        if (XenServerNote.TryFindVariant(_buffer.AsSpan(0, length), out string variant, out string? error))
        {
            return new LoadedModule(kernelName, true, true, variant, notePath);
        }

        _log.Warn(notePath, error ?? "no XenServer note of type 1");
        return new LoadedModule(kernelName, true, true, null);
    }
}
