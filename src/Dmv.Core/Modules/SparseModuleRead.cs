using System.Runtime.InteropServices;
using Dmv.Core.Elf;
using Dmv.Core.FileSystem;
using Dmv.Core.Signing;

namespace Dmv.Core.Modules;

/// <summary>
/// Reads a module file into a buffer the size of the file, through one descriptor. Without a
/// signature to check, only the parts inspecting looks at are read — the ELF header, the section
/// table and its names, the note sections, .modinfo, __versions (and __ksymtab_strings when symbols
/// are wanted), the signature trailer and signature; the same bounds-checked reader then runs over
/// that buffer and touches nothing else. Whatever is not a plain ELF by its first bytes (a
/// compressed module, or anything else) and anything unusual (a table that does not fit, a short
/// read) is read whole instead, so the reader, not this shortcut, reports what is wrong.
/// </summary>
internal static unsafe class SparseModuleRead
{
    private const int HeadBytes = 4096;
    private const int TailBytes = 16384;
    private const int GapBytes = 64 * 1024;

    /// <param name="sparse">Read only the parts a report needs, when the file is a plain ELF.</param>
    /// <param name="reason">Why the read failed, when the errno alone does not say it (null when it does).</param>
    public static bool TryRead(FileHandle file, long maxBytes, bool sparse, bool symbols, ref byte[] buffer, out int length, out int errno, out string? reason)
    {
        length = 0;
        reason = null;

        // The file was seen to be a regular file before it was opened (HostRoot.TryOpenFile).
        errno = file.Status(out FileStatus status);
        if (errno != 0)
        {
            return false;
        }

        long size = status.Size;
        if (size > maxBytes)
        {
            errno = Errno.EFBIG;
            return false;
        }

        if (buffer.Length < size)
        {
            buffer = new byte[size];
        }

        int total = (int)size;
        if (sparse && TrySparse(file.Descriptor, buffer, total, symbols))
        {
            length = total;
            errno = 0;
            return true;
        }

        // The whole file, up to its end: one that shrank since the fstat is read as it now is.
        errno = ReadUpTo(file.Descriptor, buffer, total, out length);
        return errno == 0;
    }

    private static bool TrySparse(int descriptor, byte[] buffer, int total, bool symbols)
    {
        // Three reads cover a typical module: its head (ELF header and the first notes), its tail
        // (the names of the sections, the section table, the signature and its trailer: kbuild
        // writes them last) and one range over .modinfo and __versions, which the linker puts
        // side by side. Reading a few kilobytes more is cheaper than a system call per part.
        // Which bytes: ElfReader's to say, from the table; this only fetches them.
        const int Entry = ElfLayout.SectionHeaderSize;
        var filled = new FilledRanges();
        if (total < ElfLayout.HeaderSize + ModuleSignature.TrailerSize
            || !filled.Fill(descriptor, buffer, 0, Math.Min(total, HeadBytes), total)
            || !ElfReader.TryTableLocation(buffer.AsSpan(0, ElfLayout.HeaderSize), total, out long table, out int count, out int names))
        {
            return false;
        }

        int tail = (int)Math.Min(table, Math.Max(total - TailBytes, 0));
        if (!filled.Fill(descriptor, buffer, tail, total - tail, total)
            || !filled.Fill(descriptor, buffer, table, count * Entry, total))
        {
            return false;
        }

        ReadOnlySpan<byte> tableBytes = buffer.AsSpan((int)table, count * Entry);
        var wanted = new List<(long Start, long End)>();
        if (!ElfReader.TrySectionRange(tableBytes, names, total, out long namesOffset, out long namesSize)
            || !filled.Fill(descriptor, buffer, namesOffset, (int)namesSize, total)
            || !ElfReader.WantedRanges(tableBytes, count, buffer.AsSpan((int)namesOffset, (int)namesSize), total, symbols, wanted)
            || !filled.FillAll(descriptor, buffer, wanted, total))
        {
            return false;
        }

        return ModuleSignature.TryLengthOfSigned(buffer.AsSpan(0, total), out int signed)
            ? filled.Fill(descriptor, buffer, signed, total - signed, total)
            : true;
    }

    /// <summary>
    /// The parts of the file already in the buffer, so that nothing is read twice; parts still
    /// wanted are read in ascending order, neighbours less than <see cref="GapBytes"/> apart in one read.
    /// </summary>
    private sealed class FilledRanges
    {
        private readonly List<(long Start, long End)> _ranges = new(4);

        public bool Fill(int descriptor, byte[] buffer, long offset, int count, int total)
        {
            if (count == 0 || Covered(offset, count))
            {
                return offset >= 0 && count >= 0 && offset + count <= total;
            }

            if (!SparseModuleRead.Fill(descriptor, buffer, offset, count, total))
            {
                return false;
            }

            _ranges.Add((offset, offset + count));
            return true;
        }

        public bool FillAll(int descriptor, byte[] buffer, List<(long Start, long End)> wanted, int total)
        {
            wanted.RemoveAll(part => part.End == part.Start || Covered(part.Start, part.End - part.Start));
            wanted.Sort(static (a, b) => a.Start.CompareTo(b.Start));
            int next = 0;
            while (next < wanted.Count)
            {
                long start = wanted[next].Start;
                long end = wanted[next].End;
                for (next++; next < wanted.Count && wanted[next].Start - end < GapBytes; next++)
                {
                    end = Math.Max(end, wanted[next].End);
                }

                if (!Fill(descriptor, buffer, start, (int)(end - start), total))
                {
                    return false;
                }
            }

            return true;
        }

        private bool Covered(long offset, long count)
        {
            foreach ((long Start, long End) range in _ranges)
            {
                if (offset >= range.Start && offset + count <= range.End)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static int ReadUpTo(int descriptor, byte[] buffer, int count, out int done)
    {
        done = 0;
        fixed (byte* start = buffer)
        {
            while (done < count)
            {
                nint read = NativeMethods.PositionedRead(descriptor, start + done, count - done, done);
                if (read < 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == NativeMethods.EINTR)
                    {
                        continue;
                    }

                    return errno;
                }

                if (read == 0)
                {
                    break;
                }

                done += (int)read;
            }
        }

        return 0;
    }

    private static bool Fill(int descriptor, byte[] buffer, long offset, int count, int total)
    {
        if (offset < 0 || count < 0 || offset + count > total)
        {
            return false;
        }

        int done = 0;
        fixed (byte* start = buffer)
        {
            while (done < count)
            {
                nint read = NativeMethods.PositionedRead(descriptor, start + offset + done, count - done, offset + done);
                if (read < 0 && Marshal.GetLastPInvokeError() == NativeMethods.EINTR)
                {
                    continue;
                }

                if (read <= 0)
                {
                    return false;
                }

                done += (int)read;
            }
        }

        return true;
    }
}
