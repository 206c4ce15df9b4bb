using System.Collections;
using System.Runtime.InteropServices;
using System.Text;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Hooks;

/// <summary>
/// Runs a hook program with posix_spawn(3): its standard output and error gathered through one
/// pipe, standard input from text or /dev/null, its exit status waited for. The runtime's Process
/// class would do the same but adds a megabyte to the executable, which every call of the tool —
/// a boot hook's included — pays for at start-up.
/// </summary>
internal static unsafe class ChildProcess
{
    // Generous upper bounds of glibc's posix_spawn_file_actions_t (80 bytes on x86-64) and posix_spawnattr_t (336).
    private const int ActionsSize = 256;
    private const int AttributesSize = 1024;
    private const int MaxOutputBytes = 1 << 20;
    private const int SIGKILL = 9;

    /// <summary>
    /// Runs <paramref name="program"/> (an absolute path) to its end, or until <paramref name="timeout"/>:
    /// then it and every process of its group are killed and <paramref name="timedOut"/> says so (a hook
    /// waiting on a FIFO, say, must not keep every later command waiting). False with the errno when
    /// it cannot be started.
    /// </summary>
    public static bool TryRun(string program, IReadOnlyList<string> arguments, string? stdin, TimeSpan timeout, out int exitStatus, out string output, out bool timedOut, out int errno)
    {
        exitStatus = -1;
        output = "";
        timedOut = false;
        int* outPipe = stackalloc int[2];
        int* inPipe = stackalloc int[2];
        inPipe[0] = inPipe[1] = -1;
        if (NativeMethods.Pipe(outPipe, NativeMethods.O_CLOEXEC) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            return false;
        }

        if (stdin is not null && NativeMethods.Pipe(inPipe, NativeMethods.O_CLOEXEC) != 0)
        {
            errno = Marshal.GetLastPInvokeError();
            NativeMethods.Close(outPipe[0]);
            NativeMethods.Close(outPipe[1]);
            return false;
        }

        byte* actions = (byte*)NativeMemory.AllocZeroed(ActionsSize);
        byte* attributes = (byte*)NativeMemory.AllocZeroed(AttributesSize);
        var strings = new List<nint>();
        int process = 0;
        try
        {
            NativeMethods.SpawnActionsInit(actions);
            // Its own process group, so a timeout ends the programs it started too (dracut's).
            NativeMethods.SpawnAttributesInit(attributes);
            NativeMethods.SpawnAttributesSetFlags(attributes, NativeMethods.POSIX_SPAWN_SETPGROUP);
            NativeMethods.SpawnAttributesSetProcessGroup(attributes, 0);
            if (stdin is not null)
            {
                NativeMethods.SpawnActionsDup2(actions, inPipe[0], 0);
            }
            else
            {
                fixed (byte* devNull = "/dev/null\0"u8)
                {
                    NativeMethods.SpawnActionsOpen(actions, 0, devNull, NativeMethods.O_RDONLY, 0);
                }
            }

            NativeMethods.SpawnActionsDup2(actions, outPipe[1], 1);
            NativeMethods.SpawnActionsDup2(actions, outPipe[1], 2);
            byte** argv = Strings([program, .. arguments], strings);
            byte** envp = Strings(Environment(), strings);
            errno = NativeMethods.Spawn(&process, argv[0], actions, attributes, argv, envp);
        }
        finally
        {
            NativeMethods.SpawnActionsDestroy(actions);
            NativeMemory.Free(actions);
            NativeMethods.SpawnAttributesDestroy(attributes);
            NativeMemory.Free(attributes);
            foreach (nint pointer in strings)
            {
                NativeMemory.Free((void*)pointer);
            }

            NativeMethods.Close(outPipe[1]);
            if (inPipe[0] >= 0)
            {
                NativeMethods.Close(inPipe[0]);
            }
        }

        if (errno != 0)
        {
            NativeMethods.Close(outPipe[0]);
            if (inPipe[1] >= 0)
            {
                NativeMethods.Close(inPipe[1]);
            }

            return false;
        }

        if (stdin is not null)
        {
            // Hook input is a short list of module paths, well under a pipe's buffer.
            byte[] bytes = Encoding.UTF8.GetBytes(stdin);
            fixed (byte* data = bytes)
            {
                NativeMethods.Write(inPipe[1], data, bytes.Length);
            }

            NativeMethods.Close(inPipe[1]);
        }

        output = Gather(outPipe[0], process, timeout, out timedOut, out int? ended);
        NativeMethods.Close(outPipe[0]);
        exitStatus = ended ?? Wait(process);
        return true;
    }

    /// <summary>
    /// The program's output until its end (the first megabyte is kept, the rest drained), or until the
    /// deadline, when its process group is killed. A program that ended while something it started
    /// still holds the pipe (a daemon it left behind) has ended: its status is in <paramref name="ended"/>.
    /// </summary>
    private static string Gather(int descriptor, int process, TimeSpan timeout, out bool timedOut, out int? ended)
    {
        const int Slice = 250;
        timedOut = false;
        ended = null;
        var kept = new MemoryStream();
        byte* chunk = stackalloc byte[4096];
        long deadline = System.Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (true)
        {
            var poll = new NativeMethods.PollDescriptor { Descriptor = descriptor, Events = NativeMethods.POLLIN };
            int wait = (int)Math.Clamp(deadline - System.Environment.TickCount64, 0, Slice);
            int ready = NativeMethods.Poll(&poll, 1, wait);
            if (ready < 0 && Marshal.GetLastPInvokeError() == NativeMethods.EINTR)
            {
                continue;
            }

            if (ready == 0)
            {
                if (Exited(process) is int status)
                {
                    ended = status;
                    break;
                }

                if (System.Environment.TickCount64 < deadline)
                {
                    continue;
                }

                timedOut = true;
                NativeMethods.Kill(-process, SIGKILL);
                NativeMethods.Kill(process, SIGKILL);
                break;
            }

            nint read = ready < 0 ? -1 : NativeMethods.Read(descriptor, chunk, 4096);
            if (read < 0 && Marshal.GetLastPInvokeError() == NativeMethods.EINTR)
            {
                continue;
            }

            if (read <= 0)
            {
                break;
            }

            if (kept.Length < MaxOutputBytes)
            {
                kept.Write(new ReadOnlySpan<byte>(chunk, (int)Math.Min(read, MaxOutputBytes - kept.Length)));
            }
        }

        return Encoding.UTF8.GetString(kept.GetBuffer(), 0, (int)kept.Length);
    }

    /// <summary>The program's exit status if it has ended (waitpid WNOHANG), else null.</summary>
    private static int? Exited(int process)
    {
        const int WNOHANG = 1;
        int status;
        int done = NativeMethods.WaitProcess(process, &status, WNOHANG);
        return done == process ? Decode(status) : null;
    }

    private static int Wait(int process)
    {
        int status;
        while (NativeMethods.WaitProcess(process, &status, 0) < 0)
        {
            if (Marshal.GetLastPInvokeError() != NativeMethods.EINTR)
            {
                return -1;
            }
        }

        return Decode(status);
    }

    /// <summary>WIFEXITED: the exit status; otherwise 128 + the signal, as a shell reports it.</summary>
    private static int Decode(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);

    private static List<string> Environment()
    {
        var variables = new List<string>();
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            variables.Add($"{entry.Key}={entry.Value}");
        }

        return variables;
    }

    private static byte** Strings(IReadOnlyList<string> values, List<nint> owned)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(values.Count + 1), (nuint)sizeof(byte*));
        owned.Add((nint)array);
        for (int i = 0; i < values.Count; i++)
        {
            int size = Encoding.UTF8.GetByteCount(values[i]) + 1;
            byte* text = (byte*)NativeMemory.Alloc((nuint)size);
            owned.Add((nint)text);
            Encoding.UTF8.GetBytes(values[i], new Span<byte>(text, size - 1));
            text[size - 1] = 0;
            array[i] = text;
        }

        return array;
    }
}
