using System.Text;
using Dmv.Core.Diagnostics;
using Dmv.Core.Pci;

namespace Dmv.Core.Tests.Pci;

public class LspciLineTests
{
    [Fact]
    public void Parses_a_full_line()
    {
        Assert.True(LspciLine.TryParse("00:15.3 \"0604\" \"15ad\" \"07a0\" -r01 -p00 \"15ad\" \"07a0\""u8, out PciDevice? device, out _));
        Assert.Equal(new PciDevice("00:15.3", 0x15ad, 0x07a0, 0x15ad, 0x07a0), device);
    }

    [Fact]
    public void Empty_subsystem_fields_are_unknown()
    {
        Assert.True(LspciLine.TryParse("00:00.0 \"0600\" \"8086\" \"0d57\" -p00 \"\" \"\""u8, out PciDevice? device, out _));
        Assert.Equal(PciHex.Unknown, device!.SubVendor);
        Assert.Equal(PciHex.Unknown, device.SubDevice);
    }

    [Fact]
    public void Upper_case_hex_is_read_like_lower_case()
    {
        Assert.True(LspciLine.TryParse("3b:00.0 \"0200\" \"8086\" \"159B\" -r02 \"1028\" \"ABCD\""u8, out PciDevice? device, out _));
        Assert.Equal(0x159b, device!.Device);
        Assert.Equal(0xabcd, device.SubDevice);
    }

    [Theory]
    [InlineData("00:00.0 \"0600\" \"8086\"")]
    [InlineData("00:00.0 \"0600\" \"8086\" \"zzzz\"")]
    [InlineData("00:00.0 \"0600\" \"8086\" \"0d57")]
    [InlineData("00:00.0 0600 8086 0d57")]
    [InlineData("00:00.0 \"0600\" \"8086\" \"0d57\" \"1\" \"2\" \"3\"")]
    public void Malformed_lines_give_a_reason(string line)
    {
        Assert.False(LspciLine.TryParse(Encoding.UTF8.GetBytes(line), out _, out string? reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }

    [Fact]
    public async Task The_reader_streams_lines_and_reports_bad_ones_with_their_number()
    {
        string text = "00:00.0 \"0600\" \"8086\" \"0d57\" -p00 \"\" \"\"\nnot a line\r\n\n01:00.0 \"0200\" \"14e4\" \"16d7\" -r01 \"1028\" \"1fe8\"";
        var log = new DiagnosticLog();

        List<PciDevice> devices = (await LspciReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(text)), "lspci.txt", log)).Devices;

        Assert.Equal(2, devices.Count);
        Diagnostic problem = Assert.Single(log.Entries);
        Assert.Equal("lspci.txt", problem.Path);
        Assert.StartsWith("line 2:", problem.Reason);
    }

    [Fact]
    public async Task The_reader_copes_with_lines_split_across_reads()
    {
        var builder = new StringBuilder();
        for (int i = 0; i < 3000; i++)
        {
            builder.Append($"{i / 32:x2}:{i % 32:x2}.0 \"0200\" \"8086\" \"{i:x4}\" -r01 -p00 \"1028\" \"0001\"\n");
        }

        var log = new DiagnosticLog();
        List<PciDevice> devices = (await LspciReader.ReadAsync(new TrickleStream(Encoding.UTF8.GetBytes(builder.ToString()), 7), "x", log)).Devices;

        Assert.Equal(3000, devices.Count);
        Assert.Equal(0, log.Count);
        Assert.Equal(2999, devices[^1].Device);
    }

    /// <summary>Hands out at most a few bytes per read, as a slow pipe would.</summary>
    private sealed class TrickleStream(byte[] data, int chunk) : MemoryStream(data)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, chunk));

        public override int Read(Span<byte> buffer) => base.Read(buffer[..Math.Min(buffer.Length, chunk)]);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            base.ReadAsync(buffer[..Math.Min(buffer.Length, chunk)], cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            base.ReadAsync(buffer, offset, Math.Min(count, chunk), cancellationToken);
    }
}
