using System.Buffers.Binary;
using Dmv.Core.Modules;
using Dmv.Fixtures;

namespace Dmv.Core.Tests.Modules;

/// <summary>Hostile and broken module files: each gives a reason for that file, never an exception or a read outside the data.</summary>
public class MalformedModuleTests
{
    private static byte[] Module() => ElfModuleWriter.Write(new ElfModuleWriter.Module(
        NoteWriter.XenServerVariant("dell"),
        [new("vermagic", "6.1.0-1-amd64 SMP mod_unload modversions "), new("alias", "pci:v00008086d*sv*sd*bc*sc*i*"), new("alias", "pci:v000014E4d*sv*sd*bc*sc*i*"), new("depends", "a,b")],
        [(0x1234, "module_layout"), (0xdeadbeef, "_printk")]));

    private static string? Error(byte[] bytes) => ModuleInspector.Read(bytes, "test.ko").Error;

    [Fact]
    public void A_valid_fixture_module_reads_completely()
    {
        ModuleReport report = ModuleInspector.Read(Module(), "test.ko");

        Assert.Null(report.Error);
        Assert.Equal("dell", report.XenServerNote);
        Assert.Equal(["a", "b"], report.ModInfo.Depends);
        Assert.Equal(2, report.ModInfo.All("alias").Count);
        Assert.Equal([new SymbolVersion("module_layout", 0x1234), new SymbolVersion("_printk", 0xdeadbeef)], report.Versions);
        Assert.Null(report.Signature);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(20)]
    [InlineData(63)]
    public void Truncated_headers(int length) => Assert.NotNull(Error(Module()[..length]));

    [Fact]
    public void Section_table_past_the_end()
    {
        byte[] bytes = Module();
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(40), (ulong)bytes.Length - 10);
        Assert.Contains("past the end", Error(bytes));
    }

    [Fact]
    public void Huge_section_count()
    {
        byte[] bytes = Module();
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(60), 0xfff0);
        Assert.Contains("do not fit", Error(bytes));
    }

    [Fact]
    public void Section_offset_past_the_end()
    {
        byte[] bytes = Module();
        ulong table = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)table + 64 * 2 + 24), 0x7fff_ffff_ffff);
        Assert.Contains("past the end", Error(bytes));
    }

    [Fact]
    public void Section_size_that_overflows()
    {
        byte[] bytes = Module();
        ulong table = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
        BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan((int)table + 64 * 2 + 32), ulong.MaxValue - 5);
        Assert.Contains("past the end", Error(bytes));
    }

    [Fact]
    public void Note_lengths_that_overflow()
    {
        byte[] bytes = Module();
        ulong table = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(40));
        int noteOffset = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)table + 64 + 24));
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(noteOffset), 0xffff_fff0);
        Assert.Contains("truncated", Error(bytes));
    }

    [Fact]
    public void Signature_length_larger_than_the_file()
    {
        byte[] trailer = new byte[12];
        BinaryPrimitives.WriteUInt32BigEndian(trailer.AsSpan(8), 0x7fff_0000);
        byte[] bytes = [.. Module(), .. trailer, .. "~Module signature appended~\n"u8.ToArray()];

        ModuleReport report = ModuleInspector.Read(bytes, "test.ko");

        Assert.Contains("larger than", report.Signature!.Error);
    }

    [Fact]
    public void A_signature_that_is_not_pkcs7_der_is_reported()
    {
        byte[] garbage = [1, 2, 3, 4, 5, 6, 7, 8];
        byte[] info = new byte[12];
        info[2] = 2;
        BinaryPrimitives.WriteUInt32BigEndian(info.AsSpan(8), (uint)garbage.Length);
        byte[] bytes = [.. Module(), .. garbage, .. info, .. "~Module signature appended~\n"u8.ToArray()];

        ModuleReport report = ModuleInspector.Read(bytes, "test.ko");

        Assert.Null(report.Error);
        Assert.Contains("malformed PKCS#7", report.Signature!.Error);
    }

    [Theory]
    [InlineData(4, 1, "32-bit")]
    [InlineData(5, 2, "big-endian")]
    [InlineData(18, 3, "machine")]
    [InlineData(16, 2, "not a relocatable")]
    public void Other_classes_byte_orders_and_machines_are_named(int offset, byte value, string message)
    {
        byte[] bytes = Module();
        bytes[offset] = value;
        Assert.Contains(message, Error(bytes));
    }

    [Fact]
    public void Random_mutations_of_a_fixture_module_never_throw_and_are_found_broken()
    {
        // Seeded and bounded: the same 3,000 mutants of the small fixture on every run (real-size
        // Debian modules are mutated by the CLI's RealModuleFuzzTests).
        var random = new Random(20261121);
        byte[] original = Module();
        int broken = 0;
        for (int round = 0; round < 3000; round++)
        {
            byte[] bytes = (byte[])original.Clone();
            int edits = random.Next(1, 8);
            for (int e = 0; e < edits; e++)
            {
                int at = random.Next(bytes.Length);
                bytes[at] = random.Next(3) switch { 0 => 0xff, 1 => 0, _ => (byte)random.Next(256) };
            }

            if (round % 5 == 0)
            {
                bytes = bytes[..random.Next(bytes.Length)];
            }

            ModuleReport report = ModuleInspector.Read(bytes, "mutant.ko");
            Assert.Equal("mutant.ko", report.File);
            broken += report.Error is not null ? 1 : 0;
        }

        // A floor, as in RealModuleFuzzTests: mutations too mild to reach an error would test nothing.
        Assert.True(broken > 300, $"only {broken} of 3,000 mutants were found broken");
    }
}
