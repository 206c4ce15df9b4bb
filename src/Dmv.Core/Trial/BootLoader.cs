using Dmv.Core.Diagnostics;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Trial;

/// <summary>
/// The boot loader's side of a trial: grub.cfg, driver-tool's block beside it
/// (<see cref="GrubConfig.BlockName"/>) and grubenv, all in grub.cfg's folder, which is held open by
/// descriptor and written only there (new file, fsync, rename, folder fsync). A trial can be armed
/// only when grub can count it: grub.cfg prepared, the block as this driver-tool ships it, and a
/// folder on a file system grub writes in place (FAT, ext2/3/4, XFS) that is not on md RAID or LVM.
/// </summary>
internal sealed class BootLoader : IDisposable
{
    /// <summary>Where XenServer keeps grub.cfg: the ESP (UEFI, XenServer 8.2 on), then /boot (BIOS).</summary>
    public static readonly string[] Candidates = ["/boot/efi/EFI/xenserver/grub.cfg", "/boot/grub/grub.cfg", "/boot/grub2/grub.cfg"];

    public const string EnvironmentName = "grubenv";
    private const int MaxConfigBytes = 4 << 20;

    private DirectoryHandle _folder;

    private BootLoader(HostRoot root, string configPath, DirectoryHandle folder)
    {
        Root = root;
        ConfigPath = configPath;
        _folder = folder;
    }

    public HostRoot Root { get; }

    /// <summary>grub.cfg's host path.</summary>
    public string ConfigPath { get; }

    public string ConfigName => ConfigPath[(ConfigPath.LastIndexOf('/') + 1)..];

    public string FolderPath => ConfigPath[..ConfigPath.LastIndexOf('/')];

    public string RealConfigPath => _folder.RealPath + "/" + ConfigName;

    public string RealBlockPath => _folder.RealPath + "/" + GrubConfig.BlockName;

    public string RealEnvironmentPath => _folder.RealPath + "/" + EnvironmentName;

    /// <summary>The grub block this driver-tool ships (also installed as /usr/lib/driver-tool/grub/driver-tool-trial.cfg).</summary>
    public static byte[] ShippedBlock()
    {
        using Stream? stream = typeof(BootLoader).Assembly.GetManifestResourceStream(GrubConfig.BlockName);
        if (stream is null)
        {
            throw new InvalidOperationException("the grub block is not built in");
        }

        var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    /// <summary>
    /// grub.cfg: <paramref name="named"/> (a host path, from --boot-config or a trial's record), else
    /// the first of <see cref="Candidates"/> that exists. ENOENT when there is none.
    /// </summary>
    public static bool TryFind(HostRoot root, string? named, [NotNullWhen(true)] out BootLoader? loader, [NotNullWhen(false)] out Failure? failure)
    {
        loader = null;
        failure = null;
        // Exactly the paths a trial record may name (it is obeyed only with plain components), so a
        // trial is never armed against a grub.cfg its own record would then refuse.
        if (named is not null && (!named.StartsWith('/') || named.EndsWith('/') || named[1..].Split('/').Any(static c => c is "" or "." or "..")
            || Catalog.InfoJsonParser.Unprintable(named) is not null))
        {
            failure = new Failure(Errno.EINVAL, $"--boot-config {named}: not an absolute path of a file with plain components (no '.', '..' or '//')");
            return false;
        }

        foreach (string candidate in named is null ? Candidates : [named])
        {
            if (!root.TryStatus(candidate, out FileStatus status, out failure))
            {
                if (failure.Errno == Errno.ENOENT && named is null)
                {
                    failure = null;
                    continue;
                }

                return false;
            }

            if (!status.IsRegular)
            {
                failure = new Failure(Errno.EINVAL, $"{root.RealPathOf(candidate)}: {status.Description}, not grub.cfg");
                return false;
            }

            string folderPath = candidate[..candidate.LastIndexOf('/')];
            if (!root.TryOpenDirectory(folderPath.Length == 0 ? "/" : folderPath, create: false, out DirectoryHandle folder, out failure))
            {
                return false;
            }

            loader = new BootLoader(root, candidate, folder);
            return true;
        }

        failure = new Failure(Errno.ENOENT, $"no grub.cfg at {string.Join(", ", Candidates)} under {root.RealRoot}; --boot-config FILE names it");
        return false;
    }

    public bool TryReadConfig(out string text, [NotNullWhen(false)] out Failure? failure)
    {
        text = "";
        failure = null;
        byte[] buffer = new byte[16 * 1024];
        if (!_folder.TryReadFile(ConfigName, MaxConfigBytes, ref buffer, out int length, out int errno, regularFile: true))
        {
            failure = new Failure(errno, $"{RealConfigPath}: {Errno.Describe(errno)}");
            return false;
        }

        if (!System.Text.Unicode.Utf8.IsValid(buffer.AsSpan(0, length)))
        {
            failure = new Failure(Errno.EINVAL, $"{RealConfigPath}: not UTF-8 text; driver-tool does not change it");
            return false;
        }

        text = System.Text.Encoding.UTF8.GetString(buffer, 0, length);
        return true;
    }

    /// <summary>
    /// Why grub cannot count a trial here (EOPNOTSUPP, naming what is missing and <c>trial enable</c>),
    /// or null when it can.
    /// </summary>
    public Failure? CountingProblem()
    {
        if (!TryReadConfig(out string text, out Failure? failure))
        {
            return failure;
        }

        List<string> problems = GrubConfig.Problems(text);
        string? block = BlockProblem();
        if (block is not null)
        {
            problems.Add(block);
        }

        if (problems.Count > 0)
        {
            return new Failure(Errno.EOPNOTSUPP, $"{RealConfigPath}: the boot loader cannot count a trial: {string.Join("; ", problems)}; 'driver-tool trial enable' prepares it");
        }

        string? storage = StorageProblem();
        return storage is null ? null : new Failure(Errno.EOPNOTSUPP, $"{_folder.RealPath}: grub cannot write its environment block there ({storage}), so it cannot count a trial");
    }

    /// <summary>Null when driver-tool's block beside grub.cfg is the one this driver-tool ships.</summary>
    public string? BlockProblem()
    {
        byte[] shipped = ShippedBlock();
        byte[] buffer = new byte[shipped.Length + 1];
        if (!_folder.TryReadFile(GrubConfig.BlockName, 1 << 20, ref buffer, out int length, out int errno, regularFile: true))
        {
            return errno == Errno.ENOENT ? $"{RealBlockPath} is missing" : $"{RealBlockPath}: {Errno.Describe(errno)}";
        }

        return buffer.AsSpan(0, length).SequenceEqual(shipped) ? null : $"{RealBlockPath} is not the block this driver-tool ships";
    }

    /// <summary>Why grub's save_env cannot write grubenv in this folder, or null.</summary>
    public string? StorageProblem()
    {
        int errno = _folder.FileSystemType(out long magic);
        if (errno != 0)
        {
            return Errno.Describe(errno);
        }

        string? kind = magic switch
        {
            0x4d44 or 0xEF53 or 0x58465342 => null,
            0x01021994 => "tmpfs",
            0x9123683E => "btrfs",
            0x2fc12fc1 => "zfs",
            0x794c7630 => "overlayfs",
            0x6969 => "NFS",
            _ => $"a file system of type 0x{magic:x}",
        };
        if (kind is not null)
        {
            return $"it is on {kind}; grub writes its environment only on FAT, ext2/3/4 or XFS";
        }

        // grub refuses to write through md RAID or LVM (device mapper): it cannot see the blocks beneath.
        if (_folder.Status(out FileStatus status) != 0)
        {
            return null;
        }

        ulong device = status.Device;
        ulong major = ((device >> 8) & 0xfff) | ((device >> 32) & ~0xfffUL);
        ulong minor = (device & 0xff) | ((device >> 12) & ~0xffUL);
        if (HostRoot.TryReadLink($"/sys/dev/block/{major}:{minor}", out string target, out _))
        {
            if (target.Contains("/block/md", StringComparison.Ordinal))
            {
                return "it is on md RAID";
            }

            if (target.Contains("/block/dm-", StringComparison.Ordinal))
            {
                return "it is on LVM or another device-mapper device";
            }
        }

        return null;
    }

    /// <summary>grubenv: the block, <see cref="GrubEnvironment.Empty"/> when it is missing, or null with the reason when it is not a grub block.</summary>
    public GrubEnvironment? ReadEnvironment(out string? problem, out bool missing)
    {
        missing = false;
        byte[] buffer = new byte[GrubEnvironment.Size + 1];
        if (!_folder.TryReadFile(EnvironmentName, GrubEnvironment.Size * 64, ref buffer, out int length, out int errno, regularFile: true))
        {
            missing = errno == Errno.ENOENT;
            problem = missing ? null : Errno.Describe(errno);
            return missing ? GrubEnvironment.Empty : null;
        }

        return GrubEnvironment.Parse(buffer.AsSpan(0, length), out problem);
    }

    /// <summary>Writes grubenv whole: 0 or the errno (ENOSPC when the variables do not fit in grub's 1024 bytes).</summary>
    public int WriteEnvironment(GrubEnvironment environment)
    {
        byte[]? block = environment.Format();
        if (block is null)
        {
            return Errno.ENOSPC;
        }

        int errno = _folder.WriteFileAtomically(EnvironmentName, block, 0x1A4, exactMode: false);
        // A full ESP has no room for a second copy: then the block is rewritten in place, as grub's own save_env does.
        return errno == Errno.ENOSPC && _folder.Overwrite(EnvironmentName, block) is int overwritten && overwritten != Errno.EINVAL ? overwritten : errno;
    }

    /// <summary>Writes driver-tool's block beside grub.cfg; 0 or the errno.</summary>
    public int WriteBlock() => _folder.WriteFileAtomically(GrubConfig.BlockName, ShippedBlock(), 0x1A4, exactMode: false);

    public int RemoveBlock()
    {
        int errno = _folder.Remove(GrubConfig.BlockName);
        return errno is 0 or Errno.ENOENT ? _folder.Sync() : errno;
    }

    /// <summary>Writes grub.cfg whole, keeping its permissions; 0 or the errno.</summary>
    public int WriteConfig(string text)
    {
        int mode = _folder.Status(ConfigName, out FileStatus status) == 0 ? (int)status.Permissions : 0x1A4;
        return _folder.WriteFileAtomically(ConfigName, System.Text.Encoding.UTF8.GetBytes(text), mode, exactMode: false);
    }

    public void Dispose() => _folder.Dispose();
}
