using System.Text;

namespace Dmv.Core.Pci;

/// <summary>
/// One line of <c>lspci -nm</c>: <c>SLOT "CLASS" "VENDOR" "DEVICE" [-rREV] [-pPROGIF] "SUBVENDOR" "SUBDEVICE"</c>.
/// Subsystem fields may be empty strings or missing.
/// </summary>
internal static class LspciLine
{
    /// <summary>One line of <c>lspci -nm</c>: true with the device, or true with a null device for a blank line; false with the reason.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, out PciDevice? device, [NotNullWhen(false)] out string? reason)
    {
        device = null;
        reason = null;
        line = line.TrimEnd("\r"u8);
        int position = SkipBlanks(line, 0);
        if (position == line.Length)
        {
            return true;
        }

        int slotEnd = position;
        while (slotEnd < line.Length && !IsBlank(line[slotEnd]))
        {
            slotEnd++;
        }

        string slot = Encoding.UTF8.GetString(line[position..slotEnd]);
        Span<Range> quoted = stackalloc Range[5];
        int count = 0;
        position = slotEnd;
        while ((position = SkipBlanks(line, position)) < line.Length)
        {
            byte first = line[position];
            if (first == (byte)'"')
            {
                int close = line[(position + 1)..].IndexOf((byte)'"');
                if (close < 0)
                {
                    reason = "unterminated quoted field";
                    return false;
                }

                if (count < quoted.Length)
                {
                    quoted[count] = new Range(position + 1, position + 1 + close);
                }

                count++;
                position += close + 2;
            }
            else if (first == (byte)'-')
            {
                while (position < line.Length && !IsBlank(line[position]))
                {
                    position++;
                }
            }
            else
            {
                reason = $"unexpected text at column {position + 1}";
                return false;
            }
        }

        if (count < 3)
        {
            reason = $"{count} quoted fields where class, vendor and device are needed";
            return false;
        }

        if (count > 5)
        {
            reason = $"{count} quoted fields, at most 5 expected (is this lspci -nm output?)";
            return false;
        }

        // The class (first field) plays no part in matching; it is checked for shape only.
        if (!TryField(line[quoted[0]], allowEmpty: true, out _)
            || !TryField(line[quoted[1]], allowEmpty: false, out int vendor)
            || !TryField(line[quoted[2]], allowEmpty: false, out int deviceId))
        {
            reason = "class, vendor or device is not a hex number";
            return false;
        }

        int subVendor = PciHex.Unknown;
        int subDevice = PciHex.Unknown;
        if ((count > 3 && !TryField(line[quoted[3]], allowEmpty: true, out subVendor))
            || (count > 4 && !TryField(line[quoted[4]], allowEmpty: true, out subDevice)))
        {
            reason = "subsystem vendor or device is not a hex number";
            return false;
        }

        device = new PciDevice(slot, vendor, deviceId, subVendor, subDevice);
        return true;
    }

    private static bool TryField(ReadOnlySpan<byte> text, bool allowEmpty, out int value)
    {
        if (text.IsEmpty)
        {
            value = PciHex.Unknown;
            return allowEmpty;
        }

        if (text.Length == 6)
        {
            // A class written with its programming interface.
            text = text[..4];
        }

        return PciHex.TryParse(text, out value);
    }

    private static int SkipBlanks(ReadOnlySpan<byte> line, int position)
    {
        while (position < line.Length && IsBlank(line[position]))
        {
            position++;
        }

        return position;
    }

    private static bool IsBlank(byte value) => value is (byte)' ' or (byte)'\t';
}
