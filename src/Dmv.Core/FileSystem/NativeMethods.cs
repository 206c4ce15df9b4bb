using System.Runtime.InteropServices;

namespace Dmv.Core.FileSystem;

/// <summary>
/// The libc calls behind <see cref="HostRoot"/> and <see cref="DirectoryHandle"/>.
/// The runtime's own APIs cost an lstat and a geteuid per directory entry (for attributes the
/// tool never needs) and an fstat and a flock per opened file, and report the expected failures
/// as exceptions; these report errno and cost one system call each, and openat lets a walk look
/// up one name in an open folder instead of a whole path every time.
/// </summary>
internal static unsafe partial class NativeMethods
{
    internal const int O_RDONLY = 0;
    internal const int O_RDWR = 2;
    internal const int O_CREAT = 0x40;
    internal const int O_NOFOLLOW = 0x20000;
    internal const int O_DIRECTORY = 0x10000;
    internal const int O_CLOEXEC = 0x80000;
    internal const int O_PATH = 0x200000;
    internal const int EINTR = 4;
    internal const long SYS_getdents64 = 217;

    internal const byte DT_UNKNOWN = 0;
    internal const byte DT_DIR = 4;
    internal const byte DT_REG = 8;
    internal const byte DT_LNK = 10;

    // struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name.
    internal const int DirentLengthOffset = 16;
    internal const int DirentTypeOffset = 18;
    internal const int DirentNameOffset = 19;
    internal const int AtFdCwd = -100;

    [LibraryImport("libc", EntryPoint = "readlink", SetLastError = true)]
    internal static partial nint ReadLink(byte* path, byte* buffer, nint size);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    internal static partial int OpenAt(int directory, byte* path, int flags);

    // Through syscall(2): the getdents64 wrapper only exists in glibc 2.30 and later.
    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    internal static partial nint GetDents64(long number, int descriptor, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    internal static partial int Open(byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    internal static partial nint Read(int descriptor, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close")]
    internal static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    internal static partial int FileSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    internal static partial int FileLock(int descriptor, int operation);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int descriptor, byte* buffer, nint count);

    internal const int O_WRONLY = 1;
    internal const int O_APPEND = 0x400;
    internal const int O_EXCL = 0x80;
    internal const int O_NONBLOCK = 0x800;
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;
    internal const int AT_EMPTY_PATH = 0x1000;
    internal const long SYS_newfstatat = 262;
    internal const long SYS_openat2 = 437;
    internal const ulong RESOLVE_NO_MAGICLINKS = 0x02;
    internal const ulong RESOLVE_BENEATH = 0x08;
    internal const ulong RESOLVE_IN_ROOT = 0x10;

    // struct stat on x86_64: st_dev at 0, st_ino at 8, st_mode at 24, st_uid at 28, st_size at 48; 144 bytes in all.
    internal const int StatSize = 144;
    internal const int StatDeviceOffset = 0;
    internal const int StatInodeOffset = 8;
    internal const int StatModeOffset = 24;
    internal const int StatOwnerOffset = 28;
    internal const int StatSizeOffset = 48;

    // struct open_how of openat2(2): flags, mode, resolve, each a u64.
    [StructLayout(LayoutKind.Sequential)]
    internal struct OpenHow
    {
        public ulong Flags;
        public ulong Mode;
        public ulong Resolve;
    }

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    internal static partial int OpenAt2(long number, int directory, byte* path, OpenHow* how, nuint size);

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    internal static partial int StatAt(long number, int directory, byte* path, byte* buffer, int flags);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true)]
    internal static partial int OpenAtCreate(int directory, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true)]
    internal static partial int SymbolicLinkAt(byte* target, int directory, byte* path);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true)]
    internal static partial int RenameAt(int fromDirectory, byte* from, int toDirectory, byte* to);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true)]
    internal static partial int UnlinkAt(int directory, byte* path, int flags);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true)]
    internal static partial int MakeDirectoryAt(int directory, byte* path, int mode);

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true)]
    internal static partial nint ReadLinkAt(int directory, byte* path, byte* buffer, nint size);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    internal static partial int ChangeMode(int descriptor, int mode);

    [LibraryImport("libc", EntryPoint = "isatty")]
    internal static partial int IsTerminal(int descriptor);

    [LibraryImport("libc", EntryPoint = "strerror")]
    internal static partial byte* StringOfError(int errno);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    internal static partial int ControlDescriptor(int descriptor, int command, int argument);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    internal static partial int DuplicateTo(int from, int to);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    internal static partial uint GetEffectiveUserId();

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    internal static partial int Pipe(int* descriptors, int flags);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_init")]
    internal static partial int SpawnActionsInit(byte* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_adddup2")]
    internal static partial int SpawnActionsDup2(byte* actions, int from, int to);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_addopen")]
    internal static partial int SpawnActionsOpen(byte* actions, int descriptor, byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "posix_spawn_file_actions_destroy")]
    internal static partial int SpawnActionsDestroy(byte* actions);

    [LibraryImport("libc", EntryPoint = "posix_spawn")]
    internal static partial int Spawn(int* process, byte* path, byte* actions, byte* attributes, byte** arguments, byte** environment);

    [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
    internal static partial int WaitProcess(int process, int* status, int options);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    internal static partial nint PositionedRead(int descriptor, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    internal static partial long Seek(int descriptor, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "kill")]
    internal static partial int Kill(int process, int signal);

    [LibraryImport("libc", EntryPoint = "getpid")]
    internal static partial int GetProcessId();

    [LibraryImport("libc", EntryPoint = "fstatfs", SetLastError = true)]
    internal static partial int FileSystemStatus(int descriptor, byte* buffer);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_init")]
    internal static partial int SpawnAttributesInit(byte* attributes);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setflags")]
    internal static partial int SpawnAttributesSetFlags(byte* attributes, short flags);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_setpgroup")]
    internal static partial int SpawnAttributesSetProcessGroup(byte* attributes, int group);

    [LibraryImport("libc", EntryPoint = "posix_spawnattr_destroy")]
    internal static partial int SpawnAttributesDestroy(byte* attributes);

    internal const short POSIX_SPAWN_SETPGROUP = 0x02;
    internal const short POLLIN = 0x001;

    [StructLayout(LayoutKind.Sequential)]
    internal struct PollDescriptor
    {
        public int Descriptor;
        public short Events;
        public short Returned;
    }

    [LibraryImport("libc", EntryPoint = "poll", SetLastError = true)]
    internal static partial int Poll(PollDescriptor* descriptors, nuint count, int timeoutMilliseconds);

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    internal static partial int IoControl(int descriptor, nuint request, int* argument);

    internal const nuint FS_IOC_GETFLAGS = 0x80086601;
    internal const int FS_IMMUTABLE_FL = 0x10;
    internal const int FS_APPEND_FL = 0x20;
}
