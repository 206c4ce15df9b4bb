using System.Globalization;

namespace Dmv.Core.Pci;

/// <summary>Parses the 16-bit hex fields PCI identities are written in: "8086", "0x8086", "8086\n", any case.</summary>
internal static class PciHex
{
    /// <summary>The value of the field meaning "any" in a catalog id.</summary>
    public const int Wildcard = -1;

    /// <summary>The value of a device field that is not known (lspci printed "").</summary>
    public const int Unknown = -2;

    public static bool TryParse(ReadOnlySpan<char> text, out int value)
    {
        text = text.Trim();
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            text = text[2..];
        }

        if (text.Length is 0 or > 4 || !int.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value))
        {
            value = 0;
            return false;
        }

        return true;
    }

    public static bool TryParse(ReadOnlySpan<byte> utf8, out int value)
    {
        Span<char> chars = stackalloc char[Math.Min(utf8.Length, 16)];
        if (utf8.Length > 16)
        {
            value = 0;
            return false;
        }

        for (int i = 0; i < utf8.Length; i++)
        {
            chars[i] = (char)utf8[i];
        }

        return TryParse(chars, out value);
    }

    /// <summary>A catalog field: "*" or hex.</summary>
    public static bool TryParseIdField(ReadOnlySpan<char> text, out int value)
    {
        if (text.Trim().SequenceEqual("*"))
        {
            value = Wildcard;
            return true;
        }

        return TryParse(text, out value);
    }

    public static string Format(int value) => value switch
    {
        Wildcard => "*",
        Unknown => "",
        _ => value.ToString("x4", CultureInfo.InvariantCulture),
    };
}
