using System.Text;
using Dmv.Core.Listing;

namespace Dmv.Cli.Output;

/// <summary>The listing as a table for a person: one row per variant, the driver's state on its first row.</summary>
internal static class ListTable
{
    private static readonly string[] Headers = ["DRIVER", "TYPE", "VARIANT", "VERSION", "PRIORITY", "STATUS", "HARDWARE", "SELECTED", "ACTIVE"];

    /// <param name="reboot">The host's reboot flag, when <paramref name="listing"/> holds only some of its drivers.</param>
    public static string Render(DriverListing listing, bool? reboot = null)
    {
        var rows = new List<string[]>();
        foreach (DriverEntry driver in listing.Drivers)
        {
            bool firstRow = true;
            foreach (VariantEntry variant in driver.Variants)
            {
                rows.Add([
                    firstRow ? driver.Name + (driver.RebootPending ? " !" : "") : "",
                    firstRow ? driver.Type : "",
                    variant.Name,
                    variant.Version,
                    variant.Priority.Text,
                    variant.Status,
                    variant.HardwarePresent ? "present" : "-",
                    driver.Selected == variant.Name ? "selected" : "-",
                    driver.Active == variant.Name ? "active" : "-",
                ]);
                firstRow = false;
            }
        }

        var widths = new int[Headers.Length];
        for (int column = 0; column < Headers.Length; column++)
        {
            widths[column] = Headers[column].Length;
            foreach (string[] row in rows)
            {
                widths[column] = Math.Max(widths[column], row[column].Length);
            }
        }

        var text = new StringBuilder();
        AppendRow(text, Headers, widths);
        foreach (string[] row in rows)
        {
            AppendRow(text, row, widths);
        }

        if (listing.Drivers.Count == 0)
        {
            text.Append("(no DMV drivers found)\n");
        }

        int kernels = listing.Kernels.Count;
        text.Append('\n')
            .Append(listing.Drivers.Count).Append(listing.Drivers.Count == 1 ? " driver" : " drivers")
            .Append(" in ").Append(kernels).Append(kernels == 1 ? " kernel" : " kernels");
        if (listing.BootKernel is not null)
        {
            text.Append("; next boot assumed on ").Append(listing.BootKernel);
        }

        text.Append('\n');
        if (reboot ?? listing.RebootRequired)
        {
            text.Append("! reboot pending: what loads at the next boot differs from what is loaded now\n");
        }

        return text.ToString();
    }

    private static void AppendRow(StringBuilder text, string[] cells, int[] widths)
    {
        for (int column = 0; column < cells.Length; column++)
        {
            bool last = column == cells.Length - 1;
            text.Append(cells[column]);
            if (!last)
            {
                text.Append(' ', widths[column] - cells[column].Length + 2);
            }
        }

        text.Append('\n');
    }
}
