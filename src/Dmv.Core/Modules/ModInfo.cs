using System.Text;

namespace Dmv.Core.Modules;

/// <summary>
/// The <c>.modinfo</c> section: NUL-separated <c>key=value</c> strings, in the order written.
/// Repeated keys (alias, parm, firmware…) keep every value.
/// </summary>
internal sealed class ModInfo
{
    private readonly List<KeyValuePair<string, string>> _fields = new();

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public static ModInfo Parse(ReadOnlySpan<byte> section)
    {
        var info = new ModInfo();
        while (!section.IsEmpty)
        {
            int end = section.IndexOf((byte)0);
            ReadOnlySpan<byte> entry = end < 0 ? section : section[..end];
            section = end < 0 ? default : section[(end + 1)..];
            int equals = entry.IndexOf((byte)'=');
            if (entry.IsEmpty || equals <= 0)
            {
                continue;
            }

            info._fields.Add(new(Encoding.UTF8.GetString(entry[..equals]), Encoding.UTF8.GetString(entry[(equals + 1)..])));
        }

        return info;
    }

    public string? First(string key)
    {
        foreach ((string k, string v) in _fields)
        {
            if (k == key)
            {
                return v;
            }
        }

        return null;
    }

    public List<string> All(string key) => _fields.Where(f => f.Key == key).Select(f => f.Value).ToList();

    /// <summary>vermagic's first word: the kernel release the module was built for.</summary>
    public string? VermagicRelease => First("vermagic")?.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();

    public List<string> Depends => (First("depends") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries).ToList();
}
