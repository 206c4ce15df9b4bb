using Dmv.Core.Modules;

namespace Dmv.Cli.Tests;

/// <summary>Seeded, bounded mutations of real Debian modules (signature included): the reader never throws.</summary>
public class RealModuleFuzzTests
{
    [Fact]
    public void Mutated_real_modules_never_make_the_reader_throw()
    {
        string[] sources = ["e1000e.ko", "igb.ko", "ext4.ko"];
        var random = new Random(4023);
        int reported = 0;
        foreach (string name in sources)
        {
            byte[] original = File.ReadAllBytes(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree(name)));
            byte[] buffer = new byte[original.Length];
            for (int round = 0; round < 700; round++)
            {
                original.CopyTo(buffer, 0);
                int length = original.Length;
                int edits = random.Next(1, 16);
                for (int e = 0; e < edits; e++)
                {
                    // Half the edits land in the headers, the section table or the signature trailer, where they matter most.
                    int at = random.Next(4) switch
                    {
                        0 => random.Next(64),
                        1 => length - 1 - random.Next(Math.Min(800, length)),
                        _ => random.Next(length),
                    };
                    buffer[at] = (byte)random.Next(256);
                }

                if (round % 7 == 0)
                {
                    length = random.Next(length);
                }

                ModuleReport report = ModuleInspector.Read(buffer.AsSpan(0, length), name);
                if (report.Error is not null || report.Signature?.Error is not null)
                {
                    reported++;
                }
            }
        }

        Assert.True(reported > 100, $"only {reported} of 2,100 mutants were found broken; the mutations are too mild to test anything");
    }
}
