using Dmv.Core.Diagnostics;
using System.Globalization;
using Dmv.Core.FileSystem;
using Dmv.Core.Modules;

namespace Dmv.Core.Kabi;

/// <summary>
/// A kernel's exported symbols and their CRCs, from <c>Module.symvers</c> or <c>symvers-K.gz</c>
/// (lines <c>0xCRC, symbol, module, export type[, namespace]</c>, tab-separated).
/// </summary>
internal sealed class KernelSymbols
{
    public static readonly string[] Locations = ["/lib/modules/{0}/build/Module.symvers", "/boot/symvers-{0}.gz", "/lib/modules/{0}/symvers.gz", "/usr/src/linux-headers-{0}/Module.symvers", "/usr/src/kernels/{0}/Module.symvers"];

    private readonly Dictionary<string, uint> _crcs;

    private KernelSymbols(string source, Dictionary<string, uint> crcs)
    {
        Source = source;
        _crcs = crcs;
    }

    /// <summary>The host path the list was read from.</summary>
    public string Source { get; }

    public int Count => _crcs.Count;

    public bool TryGet(string symbol, out uint crc) => _crcs.TryGetValue(symbol, out crc);

    /// <summary>The first symbol list found for the kernel, or null (with the reason when one was found but unreadable).</summary>
    public static KernelSymbols? Find(HostRoot root, string kernel, out string? problem)
    {
        problem = null;
        // Grown to the file's size when one is found: a kernel without a symbol list costs nothing.
        byte[] buffer = [];
        foreach (string pattern in Locations)
        {
            string hostPath = string.Format(CultureInfo.InvariantCulture, pattern, kernel);
            if (!root.TryReadFile(hostPath, 256 << 20, ref buffer, out int length, out Failure? failure))
            {
                if (failure.Errno != Errno.ENOENT)
                {
                    problem = failure.Message;
                }

                continue;
            }

            byte[] text = buffer.AsSpan(0, length).ToArray();
            if (hostPath.EndsWith(".gz", StringComparison.Ordinal) && !NativeCodecs.TryGunzip(text, out text, out string reason))
            {
                problem = $"{root.RealPathOf(hostPath)}: {reason}";
                continue;
            }

            return new KernelSymbols(hostPath, Parse(text));
        }

        return null;
    }

    public static Dictionary<string, uint> Parse(ReadOnlySpan<byte> text)
    {
        var crcs = new Dictionary<string, uint>(32768, StringComparer.Ordinal);
        foreach (string line in System.Text.Encoding.UTF8.GetString(text).Split('\n'))
        {
            string[] fields = line.Split('\t');
            if (fields.Length >= 2 && fields[0].StartsWith("0x", StringComparison.Ordinal)
                && uint.TryParse(fields[0].AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint crc))
            {
                crcs[fields[1]] = crc;
            }
        }

        return crcs;
    }
}
