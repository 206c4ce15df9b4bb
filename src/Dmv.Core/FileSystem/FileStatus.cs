using System.Buffers.Binary;

namespace Dmv.Core.FileSystem;

/// <summary>What fstatat(2) says of a file, as far as driver-tool asks: its kind, owner, permission bits and identity.</summary>
internal readonly record struct FileStatus(EntryKind Kind, uint Mode, uint Owner, long Size, ulong Device = 0, ulong Inode = 0)
{
    private const uint TypeMask = 0xF000;
    private const uint TypeRegular = 0x8000;
    private const uint TypeDirectory = 0x4000;
    private const uint TypeLink = 0xA000;
    private const uint GroupOrOtherWrite = 0x12; // 0022

    /// <summary>A regular file: not a folder, link, FIFO, socket or device.</summary>
    public bool IsRegular => Kind == EntryKind.File;

    /// <summary>The permission bits, 0 to 07777.</summary>
    public uint Permissions => Mode & 0xFFF;

    /// <summary>The sticky bit: in a folder, only an entry's owner may rename or remove it.</summary>
    public bool Sticky => (Mode & 0x200) != 0;

    /// <summary>Anyone but the owner may write it (group or world write bit set).</summary>
    public bool WritableByOthers => (Mode & GroupOrOtherWrite) != 0;

    /// <summary>"a FIFO", "a character device" …, for messages.</summary>
    public string Description => (Mode & TypeMask) switch
    {
        TypeRegular => "a regular file",
        TypeDirectory => "a folder",
        TypeLink => "a symbolic link",
        0x1000 => "a FIFO",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => "a file of unknown type",
    };

    /// <summary>fstatat(2): of <paramref name="name"/> in <paramref name="directory"/>, or of the descriptor itself with AT_EMPTY_PATH and "".</summary>
    internal static unsafe int At(int directory, byte* name, int flags, out FileStatus status)
    {
        Span<byte> stat = stackalloc byte[NativeMethods.StatSize];
        fixed (byte* buffer = stat)
        {
            if (NativeMethods.StatAt(NativeMethods.SYS_newfstatat, directory, name, buffer, flags) != 0)
            {
                status = default;
                return System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            }
        }

        uint mode = BinaryPrimitives.ReadUInt32LittleEndian(stat[NativeMethods.StatModeOffset..]);
        EntryKind kind = (mode & TypeMask) switch
        {
            TypeDirectory => EntryKind.Directory,
            TypeLink => EntryKind.Link,
            TypeRegular => EntryKind.File,
            _ => EntryKind.Special,
        };
        status = new FileStatus(
            kind,
            mode,
            BinaryPrimitives.ReadUInt32LittleEndian(stat[NativeMethods.StatOwnerOffset..]),
            BinaryPrimitives.ReadInt64LittleEndian(stat[NativeMethods.StatSizeOffset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(stat[NativeMethods.StatDeviceOffset..]),
            BinaryPrimitives.ReadUInt64LittleEndian(stat[NativeMethods.StatInodeOffset..]));
        return 0;
    }
}
