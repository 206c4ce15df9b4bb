using System.Diagnostics;
using System.Text.Json;

namespace Dmv.Cli.Tests;

/// <summary>Eight writers at once, six switches each: the lock serialises them, verify is clean, the last writer wins.</summary>
public class ConcurrencyTests
{
    private const string K1 = "6.1.0-1-amd64";
    private const string K2 = "6.2.0-2-amd64";

    [Fact]
    public void Concurrent_selects_and_deselects_leave_the_last_writers_choice()
    {
        using var tree = new HandTree();
        foreach (string kernel in new[] { K1, K2 })
        {
            tree.Variant(kernel, "multi", "a", ["x.ko", "y.ko"]).Variant(kernel, "multi", "b", ["x.ko", "sub/y.ko", "w.ko"]).Variant(kernel, "multi", "c", ["v.ko"]);
        }

        var failures = new List<string>();
        int runs = 0;
        // Plain threads: each waits on a process, and the thread pool of a 2-core machine would starve.
        ThreadPool.GetMinThreads(out int workers, out int completion);
        ThreadPool.SetMinThreads(Math.Max(workers, 32), completion);
        var threads = Enumerable.Range(0, 8).Select(worker => new Thread(() =>
        {
            var random = new Random(worker);
            // A fixed number of runs each, not "as many as fit in N seconds": no throughput is asserted.
            for (int run = 0; run < 6; run++)
            {
                string[] args = random.Next(4) switch
                {
                    0 => ["select", "multi", "a"],
                    1 => ["select", "multi", "b"],
                    2 => ["select", "multi", "c"],
                    _ => ["deselect", "multi"],
                };
                ProcessResult result = tree.Run([.. args, "--no-hooks", "--lock-timeout", "60"]);
                Interlocked.Increment(ref runs);
                if (result.ExitCode != 0)
                {
                    lock (failures)
                    {
                        failures.Add(result.ToString());
                    }
                }
            }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Empty(failures);
        Assert.Equal(8 * 6, runs);
        ProcessResult verify = tree.Run("verify");
        Assert.True(verify.ExitCode == 0, verify.ToString());

        string[] history = File.ReadAllLines(tree.Path("var/lib/driver-tool/history.jsonl"));
        JsonElement last = JsonDocument.Parse(history[^1]).RootElement;
        string? expected = last.GetProperty("operation").GetString() == "select" ? last.GetProperty("variant").GetString() : null;
        string? selected = JsonDocument.Parse(tree.Run("-l").Stdout).RootElement.GetProperty("drivers").GetProperty("multi").GetProperty("selected").GetString();
        Assert.Equal(expected, selected);
        foreach (string kernel in new[] { K1, K2 })
        {
            string[] variants = tree.UpdatesNames(kernel).Select(n => tree.LinkTarget(kernel, n)!.Split('/')[3]).Distinct().ToArray();
            Assert.Equal(expected is null ? [] : [expected], variants);
        }
    }
}
