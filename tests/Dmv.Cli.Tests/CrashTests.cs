using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>
/// Defect 8: a switch killed at any step (SIGKILL through the test-only DRIVER_TOOL_TEST_CRASH_AFTER
/// fault point) leaves, after the next invocation of any command, every kernel fully on the old
/// variant or fully on the new one, never mixed, the foreign file kept, and verify clean.
/// </summary>
public class CrashTests
{
    private const string K1 = "6.1.0-1-amd64";
    private const string K2 = "6.2.0-2-amd64";
    private static readonly string[] OldModules = ["x.ko", "y.ko", "z.ko"];
    private static readonly string[] NewModules = ["w.ko", "x.ko", "y.ko"];

    private static HandTree Build()
    {
        var tree = new HandTree();
        foreach (string kernel in new[] { K1, K2 })
        {
            tree.Variant(kernel, "multi", "a", ["x.ko", "y.ko", "z.ko"]).Variant(kernel, "multi", "b", ["x.ko", "sub/dir/y.ko", "w.ko"]);
        }

        Assert.Equal(0, tree.Run("select", "multi", "a", "--no-hooks").ExitCode);
        tree.File($"lib/modules/{K1}/updates/w.ko", "foreign w");
        return tree;
    }

    [Fact]
    public void A_switch_killed_at_any_step_is_finished_or_undone_by_the_next_command()
    {
        int step = 1;
        var outcomes = new List<string>();
        for (; step < 100; step++)
        {
            using HandTree tree = Build();
            ProcessResult crashed = tree.RunWith(new Dictionary<string, string> { ["DRIVER_TOOL_TEST_CRASH_AFTER"] = step.ToString() }, "select", "multi", "b", "--force", "--no-hooks");
            if (crashed.ExitCode == 0)
            {
                break;
            }

            Assert.True(crashed.ExitCode == 137, $"step {step}: expected death by SIGKILL, got {crashed}");
            // Any command recovers; the step decides which one tries.
            bool journalLeft = File.Exists(tree.Path("var/lib/driver-tool/journal"));
            string[] commands = [step % 3 == 0 ? "verify" : step % 3 == 1 ? "-l" : "auto-select"];
            ProcessResult next = tree.Run([.. commands, .. step % 3 == 2 ? new[] { "--dry-run" } : []]);
            Assert.True(next.Stderr.Contains("interrupted select of 'multi'") == journalLeft, $"step {step} (journal left: {journalLeft}): {next}");

            string variant = AssertWhole(tree, step);
            outcomes.Add(variant);
            Assert.Equal(0, tree.Run("verify").ExitCode);
            Assert.False(File.Exists(tree.Path("var/lib/driver-tool/journal")), $"step {step}: journal left");
        }

        Assert.True(step > 6, $"a two-kernel switch of three modules should take several steps, took {step - 1}");
        Assert.Contains("a", outcomes);
        Assert.Contains("b", outcomes);
    }

    /// <summary>Both kernels on one variant with its whole set of links; the foreign file still somewhere in updates/.</summary>
    private static string AssertWhole(HandTree tree, int step)
    {
        var variants = new HashSet<string>();
        foreach (string kernel in new[] { K1, K2 })
        {
            var links = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (string name in tree.UpdatesNames(kernel))
            {
                string? target = tree.LinkTarget(kernel, name);
                if (target is not null && target.Contains("/dmv/multi/"))
                {
                    links[name] = target.Split('/')[3];
                }
            }

            string[] distinct = links.Values.Distinct().ToArray();
            Assert.True(distinct.Length == 1, $"step {step}, kernel {kernel}: links {string.Join(", ", links.Select(l => l.Key + "->" + l.Value))}");
            string[] expected = distinct[0] == "a" ? OldModules : NewModules;
            Assert.Equal(expected, links.Keys.ToArray());
            variants.Add(distinct[0]);
        }

        Assert.True(variants.Count == 1, $"step {step}: kernels on different variants");
        string updates = tree.Path($"lib/modules/{K1}/updates");
        Assert.Contains(Directory.GetFiles(updates), f => !new FileInfo(f).Attributes.HasFlag(FileAttributes.ReparsePoint) && File.ReadAllText(f) == "foreign w");
        return variants.Single();
    }
}
