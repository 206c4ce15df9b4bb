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

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true)]
    internal static partial int OpenCreate(byte* path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "symlink", SetLastError = true)]
    internal static partial int SymbolicLink(byte* target, byte* path);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true)]
    internal static partial int Rename(byte* from, byte* to);

    [LibraryImport("libc", EntryPoint = "unlink", SetLastError = true)]
    internal static partial int Unlink(byte* path);

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true)]
    internal static partial int MakeDirectory(byte* path, int mode);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    internal static partial int FileSync(int descriptor);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    internal static partial int FileLock(int descriptor, int operation);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    internal static partial nint Write(int descriptor, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    internal static partial int Truncate(int descriptor, long length);

    internal const int O_WRONLY = 1;
    internal const int O_APPEND = 0x400;

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

    [LibraryImport("libc", EntryPoint = "mmap", SetLastError = true)]
    internal static partial void* Map(void* address, nuint length, int protection, int flags, int descriptor, long offset);

    [LibraryImport("libc", EntryPoint = "munmap")]
    internal static partial int Unmap(void* address, nuint length);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    internal static partial nint PositionedRead(int descriptor, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "lseek", SetLastError = true)]
    internal static partial long Seek(int descriptor, long offset, int whence);

    [LibraryImport("libc", EntryPoint = "kill")]
    internal static partial int Kill(int process, int signal);

    [LibraryImport("libc", EntryPoint = "getpid")]
    internal static partial int GetProcessId();
}
