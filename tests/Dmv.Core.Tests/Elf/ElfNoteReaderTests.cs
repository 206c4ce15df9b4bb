using Dmv.Core.Elf;
using Dmv.Fixtures;

namespace Dmv.Core.Tests.Elf;

public class ElfNoteReaderTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Finds_the_variant_whether_or_not_namesz_counts_the_NUL(bool countNul)
    {
        // Defect 1: xcp.dmv compared the name with its NUL, so spec-conforming notes were never recognised.
        byte[] notes = NoteWriter.XenServerVariant("dell", countNul);

        Assert.True(XenServerNote.TryFindVariant(notes, out string variant, out string? error));
        Assert.Equal("dell", variant);
        Assert.Null(error);
    }

    [Fact]
    public void Walks_every_note_not_a_fixed_count()
    {
        // Defect 2: xcp.dmv read exactly three notes; here the XenServer note is the fifth of five.
        var random = new Random(3);
        byte[] notes = [.. NoteWriter.GnuBuildId(random), .. NoteWriter.Note("Linux", 1, [1, 2, 3]), .. NoteWriter.Note("XenServer", 2, "other\0"u8.ToArray()), .. NoteWriter.Note("Xen", 1, "x\0"u8.ToArray()), .. NoteWriter.XenServerVariant("hpe")];

        Assert.True(XenServerNote.TryFindVariant(notes, out string variant, out _));
        Assert.Equal("hpe", variant);
    }

    [Fact]
    public void A_single_short_note_is_read_without_error()
    {
        byte[] notes = NoteWriter.XenServerVariant("generic");

        var reader = new ElfNoteReader(notes);
        Assert.True(reader.TryReadNext(out ElfNote note));
        Assert.Equal("XenServer"u8.ToArray(), note.Name.ToArray());
        Assert.Equal(1u, note.Type);
        Assert.False(reader.TryReadNext(out _));
        Assert.Null(reader.Error);
    }

    [Fact]
    public void Absent_note_is_not_an_error()
    {
        byte[] notes = NoteWriter.GnuBuildId(new Random(1));

        Assert.False(XenServerNote.TryFindVariant(notes, out _, out string? error));
        Assert.Null(error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(11)]
    [InlineData(13)]
    [InlineData(20)]
    public void Truncation_anywhere_is_an_error_not_an_exception(int keep)
    {
        byte[] whole = NoteWriter.XenServerVariant("dell");
        byte[] truncated = whole[..Math.Min(keep, whole.Length)];

        bool found = XenServerNote.TryFindVariant(truncated, out _, out string? error);

        Assert.False(found);
        if (keep > 0)
        {
            Assert.Contains("truncated", error);
        }
    }

    [Theory]
    [InlineData(0xFFFFFFFFu, 4u)]
    [InlineData(10u, 0xFFFFFFFFu)]
    [InlineData(0xFFFFFFFDu, 0xFFFFFFFDu)]
    [InlineData(0x7FFFFFFFu, 0u)]
    public void Lengths_that_overflow_are_rejected(uint nameSize, uint descriptorSize)
    {
        var record = new byte[32];
        BitConverter.TryWriteBytes(record.AsSpan(0), nameSize);
        BitConverter.TryWriteBytes(record.AsSpan(4), descriptorSize);
        BitConverter.TryWriteBytes(record.AsSpan(8), 1u);

        var reader = new ElfNoteReader(record);
        Assert.False(reader.TryReadNext(out _));
        Assert.Contains("truncated", reader.Error);
    }

    [Fact]
    public void Garbage_never_escapes_as_an_exception()
    {
        var random = new Random(42);
        int refused = 0;
        int found = 0;
        for (int round = 0; round < 5000; round++)
        {
            var data = new byte[random.Next(0, 96)];
            random.NextBytes(data);
            if (round % 2 == 0 && data.Length >= 12)
            {
                // Plausible small lengths reach the deeper checks more often than random ones.
                data[0] = (byte)random.Next(0, 16); data[1] = data[2] = data[3] = 0;
                data[4] = (byte)random.Next(0, 32); data[5] = data[6] = data[7] = 0;
            }

            if (XenServerNote.TryFindVariant(data, out string variant, out string? error))
            {
                Assert.Null(error);
                found++;
            }
            else if (error is not null)
            {
                refused++;
            }
        }

        // Both ends are reached: some garbage is refused with a reason, some reads as a record set
        // (a variant, or none: no XenServer note), and none throws.
        Assert.True(refused > 100, $"only {refused} of 5,000 were refused with a reason");
        Assert.True(5000 - refused > 100, $"only {5000 - refused} of 5,000 were read without a reason; {found} named a variant");
    }

    [Fact]
    public void The_last_record_may_lack_its_padding()
    {
        byte[] whole = NoteWriter.Note("XenServer", 1, "ab\0"u8.ToArray());
        byte[] unpadded = whole[..^1];

        Assert.True(XenServerNote.TryFindVariant(unpadded, out string variant, out _));
        Assert.Equal("ab", variant);
    }
}
