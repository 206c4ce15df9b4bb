using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Dmv.Core.FileSystem;

namespace Dmv.Core.Modules;

/// <summary>
/// Reads only the parts of a module file that inspecting it looks at — the ELF header, the section
/// table and its names, the note sections, .modinfo, __versions (and __ksymtab_strings when symbols
/// are wanted), the signature trailer and signature — into a buffer the size of the file. The same
/// bounds-checked reader then runs over that buffer; it touches nothing else. Anything unusual (a
/// table that does not fit, a short read) makes the caller read the whole file instead, so the
/// reader, not this shortcut, reports what is wrong.
/// </summary>
internal static unsafe class SparseModuleRead
{
    private const int HeaderSize = 64;
    private const int TrailerSize = 40;

    public static bool TryRead(string realPath, bool symbols, ref byte[] buffer, out int length)
    {
        length = 0;
        int descriptor = NativePath.Open(realPath, NativeMethods.O_RDONLY | NativeMethods.O_CLOEXEC, out _);
        if (descriptor < 0)
        {
            return false;
        }

        try
        {
            long fileSize = NativeMethods.Seek(descriptor, 0, 2);
            if (fileSize < HeaderSize + TrailerSize || fileSize > int.MaxValue - 64)
            {
                return false;
            }

            if (buffer.Length < fileSize)
            {
                buffer = new byte[fileSize];
            }

            int total = (int)fileSize;
            if (!Fill(descriptor, buffer, 0, HeaderSize, total) || !buffer.AsSpan(0, 4).SequenceEqual("\u007fELF"u8) || buffer[4] != 2 || buffer[5] != 1)
            {
                return false;
            }

            ulong table = BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(40));
            int count = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(60));
            int names = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(62));
            if (count == 0 || names >= count || table > (ulong)total || (ulong)count * 64 > (ulong)total - table
                || !Fill(descriptor, buffer, (long)table, count * 64, total))
            {
                return false;
            }

            if (!FillSection(descriptor, buffer, (int)table, names, total, out long namesOffset, out long namesSize))
            {
                return false;
            }

            for (int index = 1; index < count; index++)
            {
                ReadOnlySpan<byte> header = buffer.AsSpan((int)table + index * 64, 64);
                uint nameOffset = BinaryPrimitives.ReadUInt32LittleEndian(header);
                uint type = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
                if (nameOffset >= namesSize)
                {
                    return false;
                }

                ReadOnlySpan<byte> sectionName = buffer.AsSpan((int)(namesOffset + nameOffset), (int)(namesSize - nameOffset));
                int end = sectionName.IndexOf((byte)0);
                sectionName = end < 0 ? sectionName : sectionName[..end];
                bool wanted = type == 7
                    || sectionName.SequenceEqual(".modinfo"u8)
                    || sectionName.SequenceEqual("__versions"u8)
                    || (symbols && sectionName.SequenceEqual("__ksymtab_strings"u8));
                if (wanted && !FillSection(descriptor, buffer, (int)table, index, total, out _, out _))
                {
                    return false;
                }
            }

            if (!Fill(descriptor, buffer, total - TrailerSize, TrailerSize, total))
            {
                return false;
            }

            if (buffer.AsSpan(total - 28, 28).SequenceEqual("~Module signature appended~\n"u8))
            {
                uint signature = BinaryPrimitives.ReadUInt32BigEndian(buffer.AsSpan(total - 28 - 4));
                if (signature > 0 && signature <= total - TrailerSize && !Fill(descriptor, buffer, total - TrailerSize - signature, (int)signature, total))
                {
                    return false;
                }
            }

            length = total;
            return true;
        }
        finally
        {
            NativeMethods.Close(descriptor);
        }
    }

    private static bool FillSection(int descriptor, byte[] buffer, int table, int index, int total, out long offset, out long size)
    {
        ReadOnlySpan<byte> header = buffer.AsSpan(table + index * 64, 64);
        offset = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[24..]);
        size = (long)BinaryPrimitives.ReadUInt64LittleEndian(header[32..]);
        uint type = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
        if (type == 8)
        {
            size = 0;
            return true;
        }

        return offset >= 0 && size >= 0 && offset <= total && size <= total - offset && Fill(descriptor, buffer, offset, (int)size, total);
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
