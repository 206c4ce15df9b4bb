using System.Text.Json;
using System.Text.Json.Nodes;

namespace Dmv.Cli.Tests;

public class CompressedModuleTests
{
    [Fact]
    public void Gzip_xz_and_zstd_modules_read_the_same_as_the_plain_one()
    {
        string source = Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko"));
        string folder = Path.Combine(Path.GetTempPath(), "dmv-z-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            string plain = Path.Combine(folder, "e1000e.ko");
            File.Copy(source, plain);
            // As the kernel's build compresses them (scripts/Makefile.modinst).
            Compress(plain, "gzip", "-n", "-f", "-k", "-9", plain);
            Compress(plain, "xz", "--check=crc32", "--lzma2=dict=1MiB", "-f", "-k", plain);
            Compress(plain, "zstd", "-q", "-f", "-k", "-T0", "--ultra", "-22", plain, "-o", plain + ".zst");

            ProcessResult result = DriverTool.Run("inspect", plain, plain + ".gz", plain + ".xz", plain + ".zst");

            Assert.True(result.ExitCode == 0, result.ToString());
            JsonArray modules = JsonNode.Parse(result.Stdout)!["modules"]!.AsArray();
            Assert.Equal(["none", "gzip", "xz", "zstd"], modules.Select(m => m!["compression"]!.GetValue<string>()));
            string Normal(JsonNode? module)
            {
                JsonObject copy = module!.DeepClone().AsObject();
                copy.Remove("file");
                copy.Remove("compression");
                return copy.ToJsonString();
            }

            NonEmpty.All(modules.Skip(1), m => Assert.Equal(Normal(modules[0]), Normal(m)));

            // kmod's own count of the module's __versions entries, whatever kernel Debian ships today.
            int versions = ExternalCommand.Check(["modprobe", "--dump-modversions", plain]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            Assert.True(versions > 0);
            Assert.Equal(versions, modules[0]!["versions"]!.GetValue<int>());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Truncated_xz_and_zstd_are_refused_without_growing_buffers()
    {
        string folder = Path.Combine(Path.GetTempPath(), "dmv-cut-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            string plain = Path.Combine(folder, "e1000e.ko");
            File.Copy(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko")), plain);
            Compress(plain, "xz", "--check=crc32", "-f", "-k", plain);
            Compress(plain, "zstd", "-q", "-f", "-k", "--no-content-size", plain, "-o", plain + ".zst");
            var cut = new List<string>();
            foreach (string packed in new[] { plain + ".xz", plain + ".zst" })
            {
                byte[] whole = File.ReadAllBytes(packed);
                string half = packed + ".half.ko";
                File.WriteAllBytes(half, whole[..(whole.Length / 2)]);
                string magic = packed + ".magic.ko";
                File.WriteAllBytes(magic, whole[..6]);
                cut.AddRange([half, magic]);
            }

            ProcessResult result = ExternalCommand.Run(["/usr/bin/time", "-f", "%M", ToolPaths.DriverTool, "inspect", .. cut]);

            Assert.Equal(8, result.ExitCode);
            Assert.Equal(4, result.Stderr.Split('\n').Count(l => l.Contains("truncated", StringComparison.Ordinal) || l.Contains("corrupt", StringComparison.Ordinal)));

            // Peak RSS in KiB, the last line /usr/bin/time prints: the attack this replaces took about 1 GB a file.
            int peak = int.Parse(result.Stderr.Trim().Split('\n')[^1]);
            Assert.True(peak < 200 * 1024, $"peak RSS {peak} KiB");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void The_compression_is_told_by_the_first_bytes_not_the_name()
    {
        string folder = Path.Combine(Path.GetTempPath(), "dmv-magic-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            string plainNamedGz = Path.Combine(folder, "plain.ko.gz");
            File.Copy(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko")), plainNamedGz);
            string gzipNamedKo = Path.Combine(folder, "packed.ko");
            Compress(plainNamedGz, "sh", "-c", $"gzip -n -c '{plainNamedGz}' > '{gzipNamedKo}'");

            ProcessResult result = DriverTool.Run("inspect", plainNamedGz, gzipNamedKo);

            Assert.True(result.ExitCode == 0, result.ToString());
            JsonArray modules = JsonNode.Parse(result.Stdout)!["modules"]!.AsArray();
            Assert.Equal(["none", "gzip"], modules.Select(m => m!["compression"]!.GetValue<string>()));
            Assert.Equal(modules[0]!["modinfo"]!.ToJsonString(), modules[1]!["modinfo"]!.ToJsonString());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Corrupt_compressed_data_is_an_error_for_that_file_only()
    {
        string folder = Path.Combine(Path.GetTempPath(), "dmv-zc-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        try
        {
            File.WriteAllBytes(Path.Combine(folder, "bad.ko.gz"), [0x1f, 0x8b, 8, 0, 1, 2, 3, 4, 5, 6, 7]);
            File.WriteAllBytes(Path.Combine(folder, "bad.ko.xz"), [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 9, 9, 9]);
            File.WriteAllBytes(Path.Combine(folder, "bad.ko.zst"), [0x28, 0xb5, 0x2f, 0xfd, 0, 0, 1]);
            File.Copy(Path.Combine(DebianKernel.ModulesDirectory, DebianKernel.InTree("e1000e.ko")), Path.Combine(folder, "good.ko"));

            ProcessResult result = DriverTool.Run(["inspect", .. Directory.GetFiles(folder).Order()], stdin: null);

            Assert.Equal(8, result.ExitCode);
            Assert.Equal(3, result.StderrLines.Length);
            JsonElement[] modules = JsonDocument.Parse(result.Stdout).RootElement.GetProperty("modules").EnumerateArray().ToArray();
            Assert.Contains("gzip", modules[0].GetProperty("error").GetString());
            Assert.Contains("xz", modules[1].GetProperty("error").GetString());
            Assert.Contains("zstd", modules[2].GetProperty("error").GetString());
            Assert.Equal(JsonValueKind.Null, modules[3].GetProperty("error").ValueKind);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Compress(string file, params string[] command) => ExternalCommand.Check(command);
}
