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
public static unsafe class ChildProcess
{
    // Generous upper bounds of glibc's posix_spawn_file_actions_t (80 bytes on x86-64).
    private const int ActionsSize = 256;
    private const int MaxOutputBytes = 1 << 20;

    /// <summary>Runs <paramref name="program"/> (an absolute path) to its end; false with the errno when it cannot be started.</summary>
    public static bool TryRun(string program, IReadOnlyList<string> arguments, string? stdin, out int exitStatus, out string output, out int errno)
    {
        exitStatus = -1;
        output = "";
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
        var strings = new List<nint>();
        int process = 0;
        try
        {
            NativeMethods.SpawnActionsInit(actions);
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
            errno = NativeMethods.Spawn(&process, argv[0], actions, null, argv, envp);
        }
        finally
        {
            NativeMethods.SpawnActionsDestroy(actions);
            NativeMemory.Free(actions);
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

        byte[] buffer = new byte[4096];
        FileContent.ReadAll(outPipe[0], MaxOutputBytes, ref buffer, out int length, out _);
        output = Encoding.UTF8.GetString(buffer, 0, length);
        exitStatus = Wait(process);
        return true;
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

        // WIFEXITED: the exit status; otherwise 128 + the signal, as a shell reports it.
        return (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f);
    }

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
