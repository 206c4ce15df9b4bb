using System.Text;

namespace Dmv.Cli.Tests;

/// <summary>
/// Issue 10: seeded fuzzing of what driver-tool reads from a tree it does not control — info.json,
/// lspci text, note files and the journal. Every case must end contained: no exit of 128 or more
/// (a signal), no "unexpected failure", no stack trace, and the tree unchanged by a command that
/// only reads. A few hundred cases each in `make test`; `make fuzz` runs thousands
/// (DRIVER_TOOL_FUZZ_CASES, DRIVER_TOOL_FUZZ_SEED).
/// </summary>
public class FuzzTests
{
    private const string K = "6.1.0-1-amd64";

    private static readonly string[] Tokens =
    [
        "\\udfff", "\\ud800\\u0041", "\\u0000", "1e999", "-1e999", "9007199254740993", "-9223372036854775809", "0.000000000001",
        "[[[[[[[[[[[[[[[[[[[[", "{{{{", "\"", "\\", "null", "true", "[]", "{}", ",", ":", "*", "ffff", "8086", "\"\"",
    ];

    private static readonly byte[][] RawTokens = [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0x00], [0x0A], [0x80], [0xF4, 0x90, 0x80, 0x80]];

    private static int Cases => int.TryParse(Environment.GetEnvironmentVariable("DRIVER_TOOL_FUZZ_CASES"), out int n) && n > 0 ? n : 300;

    private static int Seed => int.TryParse(Environment.GetEnvironmentVariable("DRIVER_TOOL_FUZZ_SEED"), out int n) ? n : 20261121;

    [Fact]
    public void Mutated_info_json_files_are_contained()
    {
        var random = new Random(Seed);
        using var tree = new HandTree();
        int count = Cases;
        for (int i = 0; i < count; i++)
        {
            tree.Variant(K, $"d{i}", "v", [$"m{i}.ko"]);
            string info = tree.Path($"lib/modules/{K}/dmv/d{i}/v/info.json");
            File.WriteAllBytes(info, Mutate(random, File.ReadAllBytes(info)));
        }

        AssertReadersContained(tree, ["-l"], ["auto-select", "--dry-run"], ["verify"], ["kernels"], ["explain", "d0"], ["-l", "--format", "table"]);
    }

    [Fact]
    public void Mutated_lspci_text_is_contained()
    {
        var random = new Random(Seed + 1);
        using HandTree tree = new HandTree().Variant(K, "ice", "generic", ["ice.ko"]);
        byte[] line = Encoding.UTF8.GetBytes(HandTree.Nic + "\n");
        using (var text = new FileStream(tree.LspciFile, FileMode.Create))
        {
            for (int i = 0; i < Cases; i++)
            {
                text.Write(random.Next(4) == 0 ? line : Mutate(random, line));
            }

            text.Write(line);
        }

        AssertReadersContained(tree, ["-l"], ["auto-select", "--dry-run"], ["explain", "ice"]);
    }

    [Fact]
    public void Mutated_note_files_are_contained()
    {
        var random = new Random(Seed + 2);
        using HandTree tree = new HandTree().Variant(K, "ice", "generic", ["ice.ko"]);
        byte[] note = Dmv.Fixtures.NoteWriter.XenServerVariant("generic");
        for (int i = 0; i < Cases; i++)
        {
            tree.File($"sys/module/m{i}/notes/.note.XenServer", "");
            File.WriteAllBytes(tree.Path($"sys/module/m{i}/notes/.note.XenServer"), Mutate(random, note));
        }

        tree.File("sys/module/ice/notes/.note.XenServer", "");
        File.WriteAllBytes(tree.Path("sys/module/ice/notes/.note.XenServer"), Mutate(random, note));
        AssertReadersContained(tree, ["-l"], ["explain", "ice"]);
    }

    [Fact]
    public void Mutated_journals_are_contained_and_never_lead_outside_updates()
    {
        var random = new Random(Seed + 3);
        using HandTree tree = new HandTree()
            .Variant(K, "ice", "generic", ["ice.ko"])
            .Variant(K, "ice", "dell", ["ice.ko"], subVendor: "1028", priority: "40");
        Assert.Equal(0, tree.Run("select", "ice", "generic", "--no-hooks").ExitCode);
        byte[] journal = Encoding.UTF8.GetBytes($$"""
            {"format":1,"id":"1-1","state":"committed","operation":"select","driver":"ice","variant":"dell","changes":[{"kernel":"{{K}}","updates":"/lib/modules/{{K}}/updates","name":"ice.ko","old_target":"../dmv/ice/generic/ice.ko","new_target":"../dmv/ice/dell/ice.ko","staged":".ice.ko.driver-tool-1-1","set_aside":null}]}
            """);
        string path = tree.Path("var/lib/driver-tool/journal");
        string catalog = Contained.Fingerprint(tree.Path($"lib/modules/{K}/dmv")) + Contained.Fingerprint(tree.Path("etc"));
        int cases = Math.Max(50, Cases / 3);
        for (int i = 0; i < cases; i++)
        {
            File.WriteAllBytes(path, Mutate(random, journal));
            File.SetUnixFileMode(path, (UnixFileMode)0x180);
            ProcessResult result = tree.Run(i % 2 == 0 ? "-l" : "verify");
            Contained.Assert(result, $"journal case {i}");
            string target = new FileInfo(tree.Path($"lib/modules/{K}/updates/ice.ko")).LinkTarget ?? "";
            Assert.True(target is "" or "../dmv/ice/generic/ice.ko" or "../dmv/ice/dell/ice.ko", $"journal case {i} left ice.ko -> {target}");
            File.Delete(path);
        }

        Assert.Equal(catalog, Contained.Fingerprint(tree.Path($"lib/modules/{K}/dmv")) + Contained.Fingerprint(tree.Path("etc")));
    }

    private static void AssertReadersContained(HandTree tree, params string[][] commands)
    {
        string before = Contained.Fingerprint(tree.Root);
        foreach (string[] command in commands)
        {
            ProcessResult result = tree.Run(command);
            Contained.Assert(result, string.Join(' ', command));
            Assert.True(before == Contained.Fingerprint(tree.Root), $"{string.Join(' ', command)} changed the tree");
        }
    }


    /// <summary>One to four mutations: a flipped bit, a byte or token overwritten or inserted, a range cut or repeated, a truncation.</summary>
    private static byte[] Mutate(Random random, byte[] input)
    {
        var bytes = new List<byte>(input);
        int mutations = random.Next(1, 5);
        for (int m = 0; m < mutations && bytes.Count > 0; m++)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(7))
            {
                case 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[random.Next(Tokens.Length)]));
                    break;
                case 2:
                    bytes.InsertRange(at, RawTokens[random.Next(RawTokens.Length)]);
                    break;
                case 3:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 16)));
                    break;
                case 4:
                    int length = Math.Min(bytes.Count - at, random.Next(1, 32));
                    bytes.InsertRange(at, bytes.GetRange(at, length));
                    break;
                case 5:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                default:
                    bytes[at] = (byte)random.Next(256);
                    break;
            }
        }

        return bytes.ToArray();
    }
}
