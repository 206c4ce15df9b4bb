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

    [Fact]
    public void Reading_only_the_needed_parts_gives_the_same_report_as_reading_everything()
    {
        string folder = Path.Combine(Path.GetTempPath(), "dmv-sparse-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            var random = new Random(56);
            using var codecs = new NativeCodecs();
            var inspector = new ModuleInspector(codecs);
            byte[] original = File.ReadAllBytes(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko")));
            for (int round = 0; round < 400; round++)
            {
                byte[] bytes = (byte[])original.Clone();
                for (int e = random.Next(0, 6); e > 0; e--)
                {
                    int at = random.Next(3) == 0 ? random.Next(64) : random.Next(2) == 0 ? bytes.Length - 1 - random.Next(900) : random.Next(bytes.Length);
                    bytes[at] = (byte)random.Next(256);
                }

                string file = Path.Combine(folder, $"m{round % 8}.ko");
                File.WriteAllBytes(file, bytes);
                ModuleReport sparse = inspector.Inspect(Dmv.Core.FileSystem.HostRoot.OpenRunningSystem(), file, "m.ko");
                ModuleReport whole = ModuleInspector.Read(bytes, "m.ko");
                Assert.Equal(whole.Error, sparse.Error);
                Assert.Equal(whole.Notes.Select(n => n.Section + n.Name + Convert.ToHexString(n.Descriptor)), sparse.Notes.Select(n => n.Section + n.Name + Convert.ToHexString(n.Descriptor)));
                Assert.Equal(whole.ModInfo.Fields, sparse.ModInfo.Fields);
                Assert.Equal(whole.Versions, sparse.Versions);
                Assert.Equal(whole.Exports, sparse.Exports);
                Assert.Equal(whole.Signature, sparse.Signature);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
